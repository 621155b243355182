// Installed cases by name: a scenario or matrix argument that is not an existing path is looked
// up under <prefix>/share/viplab/cases (harness/lab/install_layout.h), so `viplab run issue-2599`
// works from any directory. `run`, `explain` and `matrix` use it.
#pragma once

#include <string>
#include <vector>

namespace viplab {

// Each argument as given when it exists, else its installed case (when that exists).
std::vector<std::string> ResolveCases(std::vector<std::string> arguments);

// The help footer line that says so.
inline constexpr const char* kCaseLookupHelp =
    "A scenario or matrix argument that is not an existing path is looked up in the installed "
    "cases (share/viplab/cases beside the viplab binary's prefix), e.g. `viplab run issue-2599`.";

}  // namespace viplab
