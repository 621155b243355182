#include "harness/lab/config_test.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <string_view>

#include "daemon/process.h"
#include "harness/lab/environment.h"
#include "harness/lab/lab_directory.h"
#include "netns/error.h"
#include "netns/link.h"
#include "netns/network_namespace.h"
#include "netns/route_socket.h"

namespace viplab {
namespace {

namespace fs = std::filesystem;

// What keepalived 2.2.7 says when it cannot take the top-level file at all (lib/parser.c:
// open_and_check_glob, check_glob_file, check_conf_file). Each names the file.
constexpr std::array<std::string_view, 8> kNotLoaded = {
    "Config files missing",
    "No config files matched",
    "Error reading config file(s)",
    "Some config files missing",
    "is a directory - skipping",
    "is not a regular non-executable file - skipping",
    "Unable to read configuration file",
    "Unable to find configuration file",
};

// Linux's dev_valid_name: 1..15 bytes, not "." or "..", no '/', ':' or whitespace.
void CheckInterfaceName(const std::string& name) {
  const bool bad_char = std::any_of(name.begin(), name.end(), [](char c) {
    return c == '/' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
  });
  if (name.empty() || name.size() > 15 || name == "." || name == ".." || bad_char) {
    throw InputError(
        fmt::format("'{}' is not a valid interface name (1..15 characters, no '/', "
                    "':' or whitespace)",
                    name));
  }
}

std::vector<std::string> InterfacesToCreate(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const std::string& name : names) {
    CheckInterfaceName(name);
    if (name == "lo" || std::find(out.begin(), out.end(), name) != out.end()) continue;
    out.push_back(name);
  }
  return out;
}

std::vector<std::string> Lines(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

bool SaysNotLoaded(const std::string& line, const std::string& config) {
  if (line.find(config) == std::string::npos) return false;
  return std::any_of(kNotLoaded.begin(), kNotLoaded.end(),
                     [&](std::string_view phrase) { return line.find(phrase) != line.npos; });
}

// The scratch namespace with its links; removed by its destructor.
NetworkNamespace BuildScratchNamespace(const std::string& prefix,
                                       const std::vector<std::string>& interfaces) {
  NetworkNamespace ns = NetworkNamespace::Create(prefix + "ct");
  RouteSocket socket = RouteSocket::OpenIn(ns);
  for (size_t k = 0; k < interfaces.size(); ++k) {
    VethSpec veth;
    veth.name = interfaces[k];
    veth.peer_name = fmt::format("{}c{}", prefix, k);
    veth.up = true;
    CreateVethPair(socket, veth);
  }
  return ns;
}

}  // namespace

ConfigTestResult RunConfigTest(const ConfigTestSpec& spec) {
  const std::vector<std::string> interfaces = InterfacesToCreate(spec.interfaces);
  const fs::path keepalived = spec.keepalived.empty() ? FindLabKeepalived() : spec.keepalived;
  const std::string config = fs::absolute(spec.config).lexically_normal().string();

  const LabDirectory directory = LabDirectory::Allocate();  // declared first: removed last
  const NetworkNamespace ns = BuildScratchNamespace(directory.prefix(), interfaces);
  ProcessSpec process;
  process.label = fmt::format("keepalived --config-test of {}", config);
  process.argv = {keepalived.string(), "--config-test", "--use-file", config};
  if (!spec.config_id.empty()) process.argv.insert(process.argv.end(), {"-i", spec.config_id});
  process.log_file = directory.dir() / "config-test.log";
  process.netns_fd = ns.fd();
  Process test = Process::Start(process);

  ConfigTestResult result;
  const std::optional<int> status = test.WaitFor(spec.timeout);
  if (!status) test.Stop(std::chrono::milliseconds(0));
  result.complaints = Lines(process.log_file);
  if (!status) {
    result.complaints.push_back(
        fmt::format("keepalived --config-test did not finish within {} ms", spec.timeout.count()));
    return result;
  }
  if (!WIFEXITED(*status)) {
    result.complaints.push_back(
        fmt::format("keepalived --config-test {}", DescribeWaitStatus(*status)));
    return result;
  }
  result.exit_code = WEXITSTATUS(*status);
  result.loaded =
      std::none_of(result.complaints.begin(), result.complaints.end(),
                   [&](const std::string& line) { return SaysNotLoaded(line, config); });
  return result;
}

}  // namespace viplab
