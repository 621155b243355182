// Shared helpers of every test below the harness (netns, daemon) and of the CLI tests: the one
// environment check of lab tests, scratch directories, and the checks that a lab test left
// nothing behind (namespaces, mounts, lab directories, cgroups, child processes, changes to the
// host's network). Links viplab_netns only: nothing here knows the harness (see lab_run.h).
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netns/link.h"
#include "tests/common/files.h"

namespace viplab::testing {

// Why lab tests cannot run in this process (not root), or nullopt when they can. Lab tests skip
// with this reason. A missing keepalived or tool is not a reason to skip: as root the machine is
// meant to be a lab (CI runs as root after ci/install-deps.sh), so those tests fail naming the fix
// (FindKeepalived, CheckEnvironment) rather than pass having run nothing.
std::optional<std::string> LabSkipReason();

// Skips the current test (from a TEST body or a fixture's SetUp) when LabSkipReason() says so.
#define VIPLAB_SKIP_UNLESS_LAB()                                                              \
  if (const auto viplab_skip_reason = ::viplab::testing::LabSkipReason(); viplab_skip_reason) \
  GTEST_SKIP() << *viplab_skip_reason

// Output (stdout and stderr) of a shell command, and its pclose(3) status in `status` if given.
// For read-only, independent views of the kernel's state.
std::string Shell(const std::string& command, int* status = nullptr);

// Links, addresses, routes, rules and the nftables ruleset of the host's network namespace as
// text; equal before and after a run when the test left the host alone.
std::string HostNetworkSnapshot();

// Names under /run/netns starting with `prefix`.
std::vector<std::string> NamespacesWithPrefix(const std::string& prefix);

// Names under /run/netns that start with "vl-" (the harness's labs).
std::vector<std::string> LabNamespaces();

// Mount points (lines of /proc/self/mountinfo) containing `needle`.
std::vector<std::string> MountsContaining(const std::string& needle);

// Everything still present for a harness lab prefix ("vl-3-"): namespaces, lab directory and
// mounts under /run/viplab, cgroup.
std::vector<std::string> LabLeftovers(const std::string& prefix);

// Pids of this process's children (all threads).
std::vector<pid_t> ChildProcesses();

// Base fixture of lab tests that build namespaces themselves: skips when LabSkipReason() says so,
// gives each test a unique prefix ("vlt-<pid>-<n>-") and fails the test if a namespace or mount
// carrying it survives the test body. Derived SetUp()s return early when IsSkipped().
class LabTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  std::string Name(const std::string& suffix) const { return prefix_ + suffix; }

  std::string prefix_;
};

// A VethSpec without designated initializers (GCC 12 warns about the members they omit).
VethSpec Veth(std::string name, std::string peer_name, int peer_ns_fd = -1,
              std::optional<std::string> master = std::nullopt, bool up = true);

}  // namespace viplab::testing
