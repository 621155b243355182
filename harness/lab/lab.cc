#include "harness/lab/lab.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <fstream>

#include "daemon/haproxy_config.h"
#include "daemon/keepalived_config.h"
#include "daemon/service.h"
#include "netns/error.h"

namespace viplab {
namespace {

void CopyExecutable(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code ec;
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) {
    throw SystemError::FromErrno(
        ec.value(), fmt::format("could not copy '{}' to '{}'", from.string(), to.string()));
  }
  std::filesystem::permissions(
      to, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
              std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
              std::filesystem::perms::others_exec);
}

// The programs of pid_namespaces labs, beside the stand-in and the check.
constexpr const char* kNodeInitTools[] = {"viplab-init", "viplab-nsenter"};

void CheckNodeInitTools(const std::filesystem::path& tools_dir) {
  for (const char* tool : kNodeInitTools) {
    if (::access((tools_dir / tool).c_str(), X_OK) != 0) {
      throw EnvironmentError(fmt::format(
          "'{}' is missing from {} (needed for PID namespaces): build the project (cmake --build "
          "build --target viplab_init viplab_nsenter)",
          tool, tools_dir.string()));
    }
  }
}

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw SystemError::FromErrno(errno, fmt::format("could not write '{}'", path.string()));
}

// The lab's network: a single-instance scenario (or one built in code without a deployment)
// gets today's one segment; otherwise one bridge per segment, each node's interfaces as listed
// and the client one interface per segment, eth0, eth1, ... in segment order.
TopologySpec TopologyFor(const Scenario& scenario) {
  TopologySpec spec;
  spec.interface = scenario.interface;
  for (size_t i = 0; i < scenario.nodes.size(); ++i) {
    spec.nodes.push_back({scenario.nodes[i].name, scenario.NodeAddress(i)});
  }
  spec.client = {"client", scenario.ClientAddress()};
  if (scenario.single_instance() || scenario.segments.empty()) return spec;
  for (const SegmentSpec& segment : scenario.segments) spec.segments.push_back(segment.name);
  for (size_t i = 0; i < scenario.nodes.size(); ++i) {
    const NodeSpec& node = scenario.nodes[i];
    auto& interfaces = spec.interfaces[node.name];
    for (const InterfaceSpec& ifc : node.interfaces) {
      interfaces.push_back({ifc.name, ifc.segment, scenario.NodeAddress(i, ifc.segment)});
    }
    if (!interfaces.empty()) spec.nodes[i].address = interfaces.front().address;
  }
  auto& client = spec.interfaces[spec.client.name];
  for (size_t k = 0; k < scenario.segments.size(); ++k) {
    const std::string& segment = scenario.segments[k].name;
    client.push_back({fmt::format("eth{}", k), segment, scenario.ClientAddress(segment)});
  }
  spec.client.address = client.front().address;
  return spec;
}

}  // namespace

Lab::Lab(const Scenario& scenario, const LabOptions& options, LabDirectory directory)
    : scenario_(scenario), options_(options), directory_(std::move(directory)) {}

std::unique_ptr<Lab> Lab::Create(const Scenario& scenario, const LabOptions& options) {
  std::unique_ptr<Lab> lab(new Lab(scenario, options, LabDirectory::Allocate()));
  lab->lab_cgroup_ = Cgroup::Create(lab->directory_.record().cgroup);
  TopologySpec spec = TopologyFor(scenario);
  spec.prefix = lab->prefix();
  spec.sandbox_dir = lab->dir() / "nodes";
  std::filesystem::create_directories(spec.sandbox_dir);
  lab->topology_ = Topology::Build(spec);
  for (size_t i = 0; i < scenario.nodes.size(); ++i) {
    auto node = std::make_unique<Node>();
    node->name = scenario.nodes[i].name;
    node->index = i;
    node->dir = spec.sandbox_dir / node->name;
    node->cgroup =
        Cgroup::Create(std::filesystem::path(lab->directory_.record().cgroup) / node->name);
    lab->nodes_.push_back(std::move(node));
  }
  return lab;
}

Lab::~Lab() { Shutdown(); }

Lab::Node& Lab::node(const std::string& name) {
  for (auto& n : nodes_) {
    if (n->name == name) return *n;
  }
  throw std::out_of_range(fmt::format("no node '{}' in the lab", name));
}

std::vector<Lab::Node*> Lab::nodes() {
  std::vector<Node*> out;
  for (auto& n : nodes_) out.push_back(n.get());
  return out;
}

void Lab::PrepareNodes() {
  if (options_.pid_namespaces) CheckNodeInitTools(options_.tools_dir);
  for (auto& node : nodes_) {
    const auto bin = node->dir / "etc-keepalived" / "bin";
    std::filesystem::create_directories(bin);
    // Tools are copied in: the build directory may be hidden inside the sandbox (e.g. under /tmp).
    for (const char* tool : {"haproxy", "viplab-check"}) {
      CopyExecutable(options_.tools_dir / tool, bin / tool);
    }
    if (options_.pid_namespaces) {
      // keepalived's enable_script_security runs a script only when neither it nor a directory
      // above it is writable by anyone but root (viplab-nsenter, in script lines).
      for (const auto& dir : {node->dir / "etc-keepalived", bin}) {
        std::filesystem::permissions(dir, std::filesystem::perms(0755));
      }
      for (const char* tool : kNodeInitTools) CopyExecutable(options_.tools_dir / tool, bin / tool);
    }
    const bool own_config = !scenario_.nodes.at(node->index).keepalived_conf.empty();
    std::string text = scenario_.nodes.at(node->index).keepalived_conf;
    if (text.empty()) {
      ServiceIdentityArgs service;
      service.lab_prefix = prefix();
      service.kind = options_.service;
      text = RenderKeepalivedConfig(BuildKeepalivedConfig(scenario_, node->index, service));
    }
    WriteFile(node->keepalived_conf(), text);
    node->keepalived_in_pid_namespace = options_.pid_namespaces && !ConfigUsesTrackProcess(text);
    if (options_.service == ServiceKind::kHaproxy) {
      HaproxyConfig haproxy;
      haproxy.node = node->name;
      haproxy.port = scenario_.service_port;  // bind_address "": every address of the node
      WriteFile(node->haproxy_conf(), RenderHaproxyConfig(haproxy));
    }
    KeepalivedSpec spec;
    spec.node = node->name;
    spec.binary = options_.keepalived;
    spec.netns_name = topology_->node(node->name).ns->name();
    spec.sandbox = &*topology_->node(node->name).sandbox;
    spec.log_file = node->dir / "config-test.log";
    spec.cgroup_dir = node->cgroup.dir();
    if (auto problem = TestKeepalivedConfig(spec)) {
      throw InputError(fmt::format("{}: keepalived rejected the configuration {} {}:\n{}",
                                   scenario_.file.string(), own_config ? "of" : "rendered for",
                                   node->name, *problem));
    }
  }
}

void Lab::StartServices() {
  for (auto& node : nodes_) StartService(node->name);
}

void Lab::StartService(const std::string& node_name) {
  Node& n = node(node_name);
  if (n.service && n.service->Running()) return;
  n.service.reset();  // reaps an exited one
  auto& member = topology_->node(n.name);
  ServiceSpec spec;
  spec.kind = options_.service;
  spec.lab = prefix();
  spec.node = n.name;
  spec.standin_binary = "/etc/keepalived/bin/haproxy";
  spec.haproxy_binary = options_.haproxy;
  spec.notify_dir = member.sandbox->tmp_dir();
  spec.port = scenario_.service_port;
  spec.netns_fd = member.ns->fd();
  spec.sandbox = &*member.sandbox;
  spec.init = EnsureInit(n);
  spec.log_file = n.service_log();
  spec.cgroup_dir = n.cgroup.dir();
  n.service.emplace(viplab::StartService(spec));
  if (on_process_started) on_process_started(n.name, "haproxy", n.service->pidfd());
}

void Lab::StartKeepalived(const std::vector<std::string>& node_names) {
  for (auto& node : nodes_) {
    if (!node_names.empty() &&
        std::find(node_names.begin(), node_names.end(), node->name) == node_names.end()) {
      continue;
    }
    if (node->keepalived) {
      if (node->keepalived->process().WaitFor(std::chrono::milliseconds(0)) == std::nullopt) {
        // Still running: leave it, unless it is on its way out (a graceful stop in progress).
        if (!node->keepalived_stopping) continue;
        node->keepalived->Stop(std::chrono::seconds(3));
      }
      node->keepalived.reset();
      node->keepalived_stopping = false;
    }
    auto& member = topology_->node(node->name);
    KeepalivedSpec spec;
    spec.node = node->name;
    spec.binary = options_.keepalived;
    spec.netns_name = member.ns->name();
    spec.sandbox = &*member.sandbox;
    // Scripts of a keepalived in the host PID namespace enter the node through the init too.
    const NodeInit* init = EnsureInit(*node);
    if (node->keepalived_in_pid_namespace) spec.init = init;
    spec.log_file = node->keepalived_log();
    spec.cgroup_dir = node->cgroup.dir();
    node->keepalived.emplace(Keepalived::Start(spec));
    if (on_process_started) {
      on_process_started(node->name, "keepalived", node->keepalived->process().pidfd());
    }
  }
}

void Lab::Shutdown() noexcept {
  if (shut_down_) return;
  shut_down_ = true;
  // Nothing here may throw out (noexcept: std::terminate would leak the whole lab): each step
  // that can throw is guarded, recorded in teardown_errors(), and the teardown goes on.
  auto guard = [this](const std::string& what, auto&& step) noexcept {
    try {
      step();
    } catch (const std::exception& e) {
      RecordTeardownError(what + ": " + e.what());
    } catch (...) {
      RecordTeardownError(what + ": unknown exception");
    }
  };
  for (auto& node : nodes_) {
    if (node->power != Node::Power::kPaused) continue;
    try {
      node->cgroup.Freeze(false);  // its network dies with its namespace below
    } catch (...) {
      // Remove() kills frozen processes too (SIGKILL reaches them); only the grace is lost.
    }
  }
  // Terminate first (all at once, so nodes stop in parallel), then kill what is left.
  for (auto& node : nodes_) {
    guard("SIGTERM to keepalived on " + node->name, [&] {
      if (node->keepalived) node->keepalived->process().Signal(SIGTERM);
    });
    guard("SIGTERM to the service on " + node->name, [&] {
      if (node->service) node->service->Signal(SIGTERM);
    });
  }
  for (auto& node : nodes_) {
    if (node->keepalived) node->keepalived->Stop(std::chrono::seconds(3));
    if (node->service) node->service->Stop(std::chrono::seconds(1));
    if (node->init) node->init->Stop(std::chrono::seconds(1));  // the kernel kills the rest
    node->cgroup.Remove();  // cgroup.kill: keepalived's VRRP child, check scripts, anything else
    node->keepalived.reset();
    node->service.reset();
    node->init.reset();
  }
  if (topology_) {
    for (std::string& problem : topology_->Remove()) RecordTeardownError(std::move(problem));
  }
  topology_.reset();
  lab_cgroup_.Remove();
  // nodes_ stays: its directories (logs, configs) live until the LabDirectory goes.
}

const NodeInit* Lab::EnsureInit(Node& n) {
  if (!options_.pid_namespaces) return nullptr;
  if (n.init && n.init->Running()) return &*n.init;
  n.init.reset();  // reaps one a power-off killed and removes its pid file
  auto& member = topology_->node(n.name);
  NodeInitSpec spec;
  spec.node = n.name;
  spec.binary = "/etc/keepalived/bin/viplab-init";
  spec.netns_fd = member.ns->fd();
  spec.sandbox = &*member.sandbox;
  spec.cgroup_dir = n.cgroup.dir();
  spec.log_file = n.init_log();
  spec.pid_file = n.init_pid_file();
  n.init.emplace(NodeInit::Start(spec));
  return &*n.init;
}

void Lab::RecordTeardownError(std::string problem) noexcept {
  try {
    teardown_errors_.push_back(std::move(problem));
  } catch (...) {
    // Out of memory while tearing down: the problem goes unrecorded, the teardown goes on.
  }
}

void Lab::CopyLogsTo(const std::filesystem::path& dest) const {
  for (const auto& node : nodes_) {
    const auto out = dest / node->name;
    std::error_code ec;
    std::filesystem::create_directories(out, ec);
    for (const auto& file : {node->keepalived_conf(), node->haproxy_conf(), node->keepalived_log(),
                             node->service_log()}) {
      std::filesystem::copy_file(file, out / file.filename(),
                                 std::filesystem::copy_options::overwrite_existing, ec);
    }
  }
}

LabOptions LabOptionsFor(const Environment& env) {
  LabOptions options;
  options.tools_dir = env.tools_dir;
  options.keepalived = env.keepalived;
  options.haproxy = env.haproxy;
  return options;
}

}  // namespace viplab
