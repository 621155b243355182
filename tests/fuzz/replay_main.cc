// Replay runner: feeds every file named on the command line (directories: every regular file
// below them, sorted) to LLVMFuzzerTestOneInput once, so the fuzz corpus runs as a plain test with
// any compiler (GCC, under ASan/UBSan in ci/sanitize.sh). A crash or sanitizer report fails the
// run; otherwise it prints how many inputs ran and exits 0. No input at all is an error (exit 2):
// a missing corpus must not pass silently.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    if (fs::is_directory(argv[i])) {
      for (const auto& entry : fs::recursive_directory_iterator(argv[i])) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    } else {
      files.emplace_back(argv[i]);
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...: no input files\n", argv[0]);
    return 2;
  }
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "%s: cannot be read\n", file.c_str());
      return 2;
    }
    const std::vector<char> bytes{std::istreambuf_iterator<char>(in),
                                  std::istreambuf_iterator<char>()};
    std::fprintf(stderr, "replay %s (%zu bytes)\n", file.c_str(), bytes.size());
    // A fresh copy of exactly the file's size, so ASan sees any read past the end.
    std::vector<uint8_t> input(bytes.begin(), bytes.end());
    auto* copy = new uint8_t[input.size()];
    std::copy(input.begin(), input.end(), copy);
    LLVMFuzzerTestOneInput(copy, input.size());
    delete[] copy;
  }
  std::printf("%zu inputs replayed without a fault\n", files.size());
  return 0;
}
