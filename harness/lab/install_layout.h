// Where viplab finds its helper programs (the haproxy stand-in and viplab-check) and its shipped
// scenario files, both in a build directory (everything beside build/viplab) and once installed
// (bin/viplab, libexec/viplab/, share/viplab/cases/). The functions take paths and only look at
// the file system, so they are testable without root and without installing anything.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace viplab {

// The places to search, derived from the running binary and the directories compiled in from
// CMake's GNUInstallDirs. Relative members are relative to `exe_dir`.
struct InstallLayout {
  std::filesystem::path exe_dir;       // directory of the running viplab (or test binary)
  std::filesystem::path libexec_rel;   // e.g. ../libexec/viplab
  std::filesystem::path libexec_full;  // e.g. /usr/local/libexec/viplab (CMAKE_INSTALL_PREFIX)
  std::filesystem::path cases_rel;     // e.g. ../share/viplab/cases
  std::filesystem::path cases_full;    // e.g. /usr/local/share/viplab/cases
};

// The layout of this process: exe_dir from /proc/self/exe, the rest compiled in.
InstallLayout CurrentInstallLayout();

// Where the helpers may be, in search order: exe_dir (a build directory), exe_dir/libexec_rel
// (an installed prefix, wherever it was moved), libexec_full. Duplicates are dropped.
std::vector<std::filesystem::path> ToolsDirCandidates(const InstallLayout& layout);

// The first candidate holding both `haproxy` and `viplab-check` as executables; empty if none.
std::filesystem::path FindToolsDir(const InstallLayout& layout);

// The installed case directories, in search order: exe_dir/cases_rel, cases_full.
std::vector<std::filesystem::path> CaseDirCandidates(const InstallLayout& layout);

// A scenario (or matrix) argument: itself when it names an existing path; otherwise the first
// existing <case dir>/<argument>, so `viplab run issue-2599` runs the installed cases; otherwise
// the argument unchanged (loading it then fails naming it). Absolute arguments are never looked
// up.
std::filesystem::path ResolveCaseArgument(const std::string& argument, const InstallLayout& layout);

}  // namespace viplab
