// Fuzz target: the scenario loader (harness/model/scenario.h LoadScenario, via
// harness/model/json_fields.h). Contract under test: any bytes either load into a valid Scenario or
// throw InputError; anything else (another exception, a crash, a sanitizer report) is a bug. A
// loaded scenario's derived values (fault description, host addresses) must be computable too.
#include <cstddef>
#include <cstdint>

#include "harness/model/scenario.h"
#include "netns/error.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace viplab;
  try {
    const Scenario s = LoadScenario(FuzzInputFile(data, size));
    (void)DescribeFault(s.fault);
    for (size_t i = 0; i < s.nodes.size(); ++i) (void)s.NodeAddress(i).ToString();
    (void)s.ClientAddress().ToString();
  } catch (const InputError&) {
  }
  return 0;
}
