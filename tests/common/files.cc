#include "tests/common/files.h"

#include <fmt/format.h>
#include <stdlib.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace viplab::testing {

std::filesystem::path BuildDir() { return VIPLAB_BUILD_DIR; }
std::filesystem::path ViplabBinary() { return BuildDir() / "viplab"; }
std::filesystem::path StandinBinary() { return BuildDir() / "haproxy"; }
std::filesystem::path CheckBinary() { return BuildDir() / "viplab-check"; }
std::filesystem::path SourceDir() { return VIPLAB_SOURCE_DIR; }

std::filesystem::path CorpusPath() {
  const char* env = std::getenv("VIPLAB_CORPUS");
  return env != nullptr && *env != '\0'
             ? std::filesystem::path(env)
             : SourceDir().parent_path() / "shared" / "keepalived-corpus";
}

std::optional<std::filesystem::path> CorpusDir() {
  std::filesystem::path dir = CorpusPath();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return std::nullopt;
  return dir;
}

ScratchDir::ScratchDir(std::string_view name) {
  std::string path = (std::filesystem::temp_directory_path() / name).string() + "-XXXXXX";
  if (::mkdtemp(path.data()) == nullptr) {
    throw std::runtime_error(fmt::format("mkdtemp {} failed", path));
  }
  path_ = path;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace viplab::testing
