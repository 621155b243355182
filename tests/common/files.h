// Files for tests: the build directory and the programs in it, scratch directories, reading a
// file. No kernel library, no root: the pure layers' unit tests link only this (viplab_test_base).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace viplab::testing {

// The build directory (VIPLAB_BUILD_DIR) and the programs the build puts there.
std::filesystem::path BuildDir();
std::filesystem::path ViplabBinary();   // build/viplab
std::filesystem::path StandinBinary();  // build/haproxy (the stand-in)
std::filesystem::path CheckBinary();    // build/viplab-check

// A fresh directory made by mkdtemp(3) under the temp directory ("<name>-XXXXXX"), so parallel
// test processes never share one; removed with everything in it on destruction.
class ScratchDir {
 public:
  explicit ScratchDir(std::string_view name = "viplab-test");
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& child) const {
    return path_ / child;
  }

 private:
  std::filesystem::path path_;
};

// The shared keepalived corpus (real configurations from public projects, test inputs only):
// $VIPLAB_CORPUS, else <source>/../shared/keepalived-corpus; nullopt when absent (tests then
// GTEST_SKIP visibly, never pass).
std::optional<std::filesystem::path> CorpusDir();
// Where the corpus is looked for (the path CorpusDir() checks), whether it is there or not.
std::filesystem::path CorpusPath();
// The source tree (cases/, docs/).
std::filesystem::path SourceDir();

// The whole content of a file ("" when it cannot be read).
std::string ReadFile(const std::filesystem::path& path);

}  // namespace viplab::testing

// In a gtest test body: skip (visibly) when there is no corpus, naming where it was looked for.
// Expands at the use site, so this header needs no gtest.
#define VIPLAB_SKIP_WITHOUT_CORPUS()                                                     \
  if (!::viplab::testing::CorpusDir())                                                   \
  GTEST_SKIP() << "no keepalived corpus at " << ::viplab::testing::CorpusPath().string() \
               << " (set VIPLAB_CORPUS to the folder of configuration sets to run this test)"
