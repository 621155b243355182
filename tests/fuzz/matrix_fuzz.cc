// Fuzz target: the matrix loader (harness/model/matrix.h LoadMatrix: parse, validate, expand every
// combination into a validated scenario). Contract: a Matrix or InputError, nothing else.
#include <cstddef>
#include <cstdint>

#include "harness/model/matrix.h"
#include "netns/error.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace viplab;
  try {
    const Matrix m = LoadMatrix(FuzzInputFile(data, size));
    if (m.Scenarios().size() != m.entries.size()) __builtin_trap();
  } catch (const InputError&) {
  }
  return 0;
}
