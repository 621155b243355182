// FuzzInputFile: hands a fuzz input to a loader that reads files, through the loader's own file
// code (open, read, line/column of a JSON error). The bytes live in one memfd, named by its
// /proc/self/fd path; each call replaces the previous contents. One per process (not thread-safe).
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace viplab {

inline std::filesystem::path FuzzInputFile(const uint8_t* data, size_t size) {
  static const int fd = memfd_create("viplab-fuzz-input", MFD_CLOEXEC);
  if (fd < 0 || ftruncate(fd, 0) != 0) std::abort();
  for (size_t done = 0; done < size;) {
    const ssize_t n = pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    if (n <= 0) std::abort();
    done += static_cast<size_t>(n);
  }
  return "/proc/self/fd/" + std::to_string(fd);
}

}  // namespace viplab
