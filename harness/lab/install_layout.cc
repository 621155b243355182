#include "harness/lab/install_layout.h"

#include <unistd.h>

#include <algorithm>
#include <system_error>

// Set by CMake (harness/lab/CMakeLists.txt) from GNUInstallDirs; the defaults keep the file
// compilable on its own.
#ifndef VIPLAB_LIBEXEC_REL
#define VIPLAB_LIBEXEC_REL "../libexec/viplab"
#endif
#ifndef VIPLAB_LIBEXEC_FULL
#define VIPLAB_LIBEXEC_FULL "/usr/local/libexec/viplab"
#endif
#ifndef VIPLAB_CASES_REL
#define VIPLAB_CASES_REL "../share/viplab/cases"
#endif
#ifndef VIPLAB_CASES_FULL
#define VIPLAB_CASES_FULL "/usr/local/share/viplab/cases"
#endif

namespace viplab {
namespace {

namespace fs = std::filesystem;

void AddCandidate(std::vector<fs::path>& out, const fs::path& dir) {
  if (dir.empty()) return;
  const fs::path normal = dir.lexically_normal();
  if (std::find(out.begin(), out.end(), normal) == out.end()) out.push_back(normal);
}

bool IsExecutableFile(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

InstallLayout CurrentInstallLayout() {
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  InstallLayout layout;
  layout.exe_dir = error ? fs::path() : exe.parent_path();
  layout.libexec_rel = VIPLAB_LIBEXEC_REL;
  layout.libexec_full = VIPLAB_LIBEXEC_FULL;
  layout.cases_rel = VIPLAB_CASES_REL;
  layout.cases_full = VIPLAB_CASES_FULL;
  return layout;
}

std::vector<fs::path> ToolsDirCandidates(const InstallLayout& layout) {
  std::vector<fs::path> out;
  AddCandidate(out, layout.exe_dir);
  if (!layout.exe_dir.empty()) AddCandidate(out, layout.exe_dir / layout.libexec_rel);
  AddCandidate(out, layout.libexec_full);
  return out;
}

fs::path FindToolsDir(const InstallLayout& layout) {
  for (const fs::path& dir : ToolsDirCandidates(layout)) {
    if (IsExecutableFile(dir / "haproxy") && IsExecutableFile(dir / "viplab-check")) return dir;
  }
  return {};
}

std::vector<fs::path> CaseDirCandidates(const InstallLayout& layout) {
  std::vector<fs::path> out;
  if (!layout.exe_dir.empty()) AddCandidate(out, layout.exe_dir / layout.cases_rel);
  AddCandidate(out, layout.cases_full);
  return out;
}

fs::path ResolveCaseArgument(const std::string& argument, const InstallLayout& layout) {
  const fs::path given(argument);
  std::error_code error;
  if (argument.empty() || given.is_absolute() || fs::exists(given, error)) return given;
  for (const fs::path& dir : CaseDirCandidates(layout)) {
    const fs::path candidate = dir / given;
    if (fs::exists(candidate, error)) return candidate;
  }
  return given;
}

}  // namespace viplab
