#include "harness/cli/case_lookup.h"

#include "harness/lab/install_layout.h"

namespace viplab {

std::vector<std::string> ResolveCases(std::vector<std::string> arguments) {
  const InstallLayout layout = CurrentInstallLayout();
  for (std::string& argument : arguments) argument = ResolveCaseArgument(argument, layout).string();
  return arguments;
}

}  // namespace viplab
