// Where viplab looks for its helpers and its cases, on fake prefixes in a scratch directory: a
// build directory (helpers beside the binary), an installed prefix (bin/, libexec/viplab/,
// share/viplab/cases/), a relocated prefix, the compiled-in fallback, and case arguments that
// are existing paths (used as given) or names of installed cases.
#include "harness/lab/install_layout.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace viplab {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

class InstallLayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // mkdtemp: parallel ctest processes must not share a directory.
    std::string tmpl = (fs::temp_directory_path() / "viplab-layout-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  void TearDown() override {
    std::error_code error;
    fs::remove_all(root_, error);
  }

  // An executable (mode 0755) or plain file at root_/relative.
  void MakeFile(const std::string& relative, bool executable = true) {
    const fs::path path = root_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << "#!/bin/sh\n";
    ::chmod(path.c_str(), executable ? 0755 : 0644);
  }

  // The layout of `<root>/<prefix>/bin/viplab` with GNUInstallDirs' defaults, and
  // `<root>/fallback/...` as the compiled-in directories.
  InstallLayout Layout(const std::string& exe_dir) const {
    InstallLayout layout;
    layout.exe_dir = root_ / exe_dir;
    layout.libexec_rel = "../libexec/viplab";
    layout.libexec_full = root_ / "fallback/libexec/viplab";
    layout.cases_rel = "../share/viplab/cases";
    layout.cases_full = root_ / "fallback/share/viplab/cases";
    return layout;
  }

  fs::path root_;
};

TEST_F(InstallLayoutTest, CandidatesInOrderWithoutDuplicates) {
  const InstallLayout layout = Layout("usr/bin");
  EXPECT_THAT(ToolsDirCandidates(layout),
              ElementsAre(root_ / "usr/bin", root_ / "usr/libexec/viplab",
                          root_ / "fallback/libexec/viplab"));
  EXPECT_THAT(CaseDirCandidates(layout),
              ElementsAre(root_ / "usr/share/viplab/cases", root_ / "fallback/share/viplab/cases"));
  InstallLayout same = layout;
  same.libexec_full = root_ / "usr/libexec/viplab";
  EXPECT_THAT(ToolsDirCandidates(same),
              ElementsAre(root_ / "usr/bin", root_ / "usr/libexec/viplab"));
}

TEST_F(InstallLayoutTest, BuildDirectoryComesFirst) {
  MakeFile("build/haproxy");
  MakeFile("build/viplab-check");
  MakeFile("fallback/libexec/viplab/haproxy");
  MakeFile("fallback/libexec/viplab/viplab-check");
  EXPECT_EQ(FindToolsDir(Layout("build")), root_ / "build");
}

TEST_F(InstallLayoutTest, InstalledPrefixRelativeToTheBinary) {
  MakeFile("opt/vl/libexec/viplab/haproxy");
  MakeFile("opt/vl/libexec/viplab/viplab-check");
  MakeFile("fallback/libexec/viplab/haproxy");
  MakeFile("fallback/libexec/viplab/viplab-check");
  EXPECT_EQ(FindToolsDir(Layout("opt/vl/bin")), root_ / "opt/vl/libexec/viplab");
}

TEST_F(InstallLayoutTest, RealHaproxyBesideTheBinaryIsNotTheStandin) {
  // /usr/bin may hold Debian's haproxy: without viplab-check beside it, it is skipped.
  MakeFile("usr/bin/haproxy");
  MakeFile("usr/libexec/viplab/haproxy");
  MakeFile("usr/libexec/viplab/viplab-check");
  EXPECT_EQ(FindToolsDir(Layout("usr/bin")), root_ / "usr/libexec/viplab");
}

TEST_F(InstallLayoutTest, CompiledInFallbackThenNothing) {
  MakeFile("fallback/libexec/viplab/haproxy");
  MakeFile("fallback/libexec/viplab/viplab-check");
  EXPECT_EQ(FindToolsDir(Layout("elsewhere/bin")), root_ / "fallback/libexec/viplab");
  fs::remove(root_ / "fallback/libexec/viplab/viplab-check");
  EXPECT_EQ(FindToolsDir(Layout("elsewhere/bin")), fs::path());
}

TEST_F(InstallLayoutTest, HelpersMustBeExecutable) {
  MakeFile("build/haproxy");
  MakeFile("build/viplab-check", /*executable=*/false);
  EXPECT_EQ(FindToolsDir(Layout("build")), fs::path());
}

TEST_F(InstallLayoutTest, ExistingPathsAreUsedAsGiven) {
  MakeFile("work/cases/issue-2599/a.json", false);
  MakeFile("usr/share/viplab/cases/cases/issue-2599/a.json", false);
  const fs::path cwd = fs::current_path();
  fs::current_path(root_ / "work");
  const fs::path resolved = ResolveCaseArgument("cases/issue-2599", Layout("usr/bin"));
  fs::current_path(cwd);
  EXPECT_EQ(resolved, fs::path("cases/issue-2599"));
  const std::string absolute = (root_ / "nowhere.json").string();
  EXPECT_EQ(ResolveCaseArgument(absolute, Layout("usr/bin")), fs::path(absolute));
}

TEST_F(InstallLayoutTest, OtherArgumentsNameInstalledCases) {
  MakeFile("usr/share/viplab/cases/issue-2599/a.json", false);
  MakeFile("usr/share/viplab/cases/matrix.json", false);
  MakeFile("fallback/share/viplab/cases/catalog/x.json", false);
  const InstallLayout layout = Layout("usr/bin");
  EXPECT_EQ(ResolveCaseArgument("issue-2599", layout), root_ / "usr/share/viplab/cases/issue-2599");
  EXPECT_EQ(ResolveCaseArgument("issue-2599/a.json", layout),
            root_ / "usr/share/viplab/cases/issue-2599/a.json");
  EXPECT_EQ(ResolveCaseArgument("matrix.json", layout),
            root_ / "usr/share/viplab/cases/matrix.json");
  EXPECT_EQ(ResolveCaseArgument("catalog", layout), root_ / "fallback/share/viplab/cases/catalog");
  // Not found anywhere: unchanged, so loading it fails naming what the user typed.
  EXPECT_EQ(ResolveCaseArgument("no-such-case", layout), fs::path("no-such-case"));
}

TEST(InstallLayout, CurrentLayoutIsTheRunningBinarysDirectory) {
  const InstallLayout layout = CurrentInstallLayout();
  EXPECT_EQ(layout.exe_dir, fs::read_symlink("/proc/self/exe").parent_path());
  EXPECT_FALSE(layout.libexec_rel.is_absolute());
  EXPECT_TRUE(layout.libexec_full.is_absolute());
  EXPECT_FALSE(layout.cases_rel.is_absolute());
  EXPECT_TRUE(layout.cases_full.is_absolute());
}

}  // namespace
}  // namespace viplab
