// The keepalived.conf each lab node runs: the node's original text with the lines the lab runs
// differently replaced, and every such line listed as a Rewrite (mapping.h).
#include <fmt/format.h>
#include <glob.h>

#include <fstream>
#include <map>
#include <sstream>

#include "harness/kconf/internal/mapping_parts.h"
#include "netns/error.h"

namespace viplab::kconf::mapping_internal {
namespace {

constexpr int kMaxIncludeDepth = 32;

// A line to replace: the new line (indented as the original) and why.
struct Plan {
  SourceLocation where;
  std::string keyword;  // the line's keyword, to find it inside a one-line block
  std::string old_value;
  std::string lab_line;
  std::string why;
};
using Plans = std::map<std::pair<std::string, int>, Plan>;

std::string Key(const std::filesystem::path& file) {
  std::error_code ec;
  const std::filesystem::path canonical = std::filesystem::weakly_canonical(file, ec);
  return (ec ? file : canonical).lexically_normal().string();
}

std::string Quote(std::string_view text) { return fmt::format("\"{}\"", text); }

void AddPlan(Plans& plans, const SourceLocation& where, std::string keyword, std::string old_value,
             std::string lab_line, std::string why) {
  plans.emplace(
      std::pair{Key(where.file), where.line},
      Plan{where, std::move(keyword), std::move(old_value), std::move(lab_line), std::move(why)});
}

void PlanNotify(Plans& plans, const MappingOptions& options, const std::optional<LineRef>& line) {
  if (!line || line->args.empty() || SuppliedIn(options.files_dir, line->args[0])) return;
  AddPlan(plans, line->where, line->keyword, line->args[0], line->keyword + " /bin/true",
          "notify script not supplied in --files: the node's own would act outside the lab");
}

void PlanNotifies(Plans& plans, const MappingOptions& options, const NotifyScripts& n) {
  for (const auto* line : {&n.master, &n.backup, &n.fault, &n.stop, &n.deleted, &n.notify}) {
    PlanNotify(plans, options, *line);
  }
}

// global_defs notify_fifo (moved under the lab's node directory) and notify_fifo_script.
void PlanGlobals(Plans& plans, const MappingOptions& options, const ConfTree& tree) {
  for (const ConfNode& top : tree.top) {
    if (top.keyword != "global_defs") continue;
    for (const ConfNode& n : top.children) {
      if (n.args.empty()) continue;
      if (n.keyword == "notify_fifo" || n.keyword == "vrrp_notify_fifo") {
        AddPlan(plans, n.where, n.keyword, n.args[0],
                fmt::format("{} {}/{}", n.keyword, kLabDirPlaceholder, "notify.fifo"),
                "the fifo lives in the lab's node directory");
      } else if ((n.keyword == "notify_fifo_script" || n.keyword == "vrrp_notify_fifo_script") &&
                 !SuppliedIn(options.files_dir, n.args[0])) {
        AddPlan(plans, n.where, n.keyword, n.args[0], n.keyword + " /bin/true",
                "notify script not supplied in --files: the node's own would act outside the lab");
      }
    }
  }
}

Plans PlanNode(const ConfigNode& node, const MappingOptions& options, const Mapping& mapping) {
  Plans plans;
  for (const MappedCheck& check : mapping.checks) {
    if (check.node != node.name || check.how != MappedCheck::How::kLabDriven) continue;
    AddPlan(plans, check.where, "script", check.command,
            fmt::format("script {}",
                        Quote(fmt::format("{} {} {}", kLabCheckProgram, node.name, check.script))),
            "check script not supplied in --files and not a simple service check: the lab "
            "drives it (healthy until a fault makes it fail)");
  }
  for (const VrrpInstance& in : node.config.instances) PlanNotifies(plans, options, in.notify);
  for (const SyncGroup& g : node.config.sync_groups) PlanNotifies(plans, options, g.notify);
  PlanGlobals(plans, options, node.config.tree);
  return plans;
}

std::string Trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return "";
  const size_t end = text.find_last_not_of(" \t\r");
  return std::string(text.substr(begin, end - begin + 1));
}

// Text before a `#` or `!` comment outside double quotes.
std::string WithoutComment(std::string_view text) {
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') quoted = !quoted;
    if (!quoted && (text[i] == '#' || text[i] == '!')) return std::string(text.substr(0, i));
  }
  return std::string(text);
}

std::vector<std::filesystem::path> Glob(const std::filesystem::path& pattern) {
  glob_t g{};
  std::vector<std::filesystem::path> files;
  if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
  }
  globfree(&g);
  return files;  // glob(3) sorts them
}

// Writes one file's lab text into `out`, recording rewrites in order.
class LabText {
 public:
  LabText(const ConfigNode& node, Plans& plans, std::vector<Rewrite>& rewrites)
      : node_(node), plans_(plans), rewrites_(rewrites) {}

  void File(const std::filesystem::path& file, int depth) {
    std::ifstream in(file);
    if (!in || depth > kMaxIncludeDepth) {
      throw InputError(
          fmt::format("{}: cannot read it for the lab's keepalived.conf", file.string()));
    }
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      Line(file, number, line, depth);
    }
  }

  std::string text() const { return out_.str(); }

 private:
  void Line(const std::filesystem::path& file, int number, const std::string& line, int depth) {
    const std::string indent = line.substr(0, line.find_first_not_of(" \t"));
    const std::string trimmed = Trim(line);
    if (auto it = plans_.find({Key(file), number}); it != plans_.end()) {
      Replace(it->second, line, indent);
      plans_.erase(it);
      return;
    }
    if (!trimmed.empty() && trimmed[0] == '@') {
      Conditional(file, number, trimmed, indent, depth);
      return;
    }
    const std::string code = Trim(WithoutComment(trimmed));
    if (code.rfind("include", 0) == 0 && (code.size() == 7 || code[7] == ' ' || code[7] == '\t')) {
      Include(file, number, trimmed, Trim(code.substr(7)), depth);
      return;
    }
    out_ << line << '\n';
  }

  void Replace(const Plan& plan, const std::string& line, const std::string& indent) {
    std::string lab = indent + plan.lab_line;
    const std::string trimmed = Trim(line);
    if (trimmed.rfind(plan.keyword, 0) != 0 && trimmed.rfind('@', 0) != 0) {
      // The keyword inside a one-line block: replace its value only.
      lab = line;
      const std::string new_value = plan.lab_line.substr(plan.keyword.size() + 1);
      for (const std::string& old : {Quote(plan.old_value), plan.old_value}) {
        const size_t at = lab.find(old);
        if (at == std::string::npos) continue;
        lab.replace(at, old.size(), new_value);
        break;
      }
    }
    out_ << lab << '\n';
    rewrites_.push_back({node_.name, plan.where, trimmed, Trim(lab), plan.why});
  }

  // `@ID line` / `@^ID line` (keepalived.conf(5)): resolved for the node's config id, so the lab
  // runs the file without -i.
  void Conditional(const std::filesystem::path& file, int number, const std::string& trimmed,
                   const std::string& indent, int depth) {
    const size_t space = trimmed.find_first_of(" \t");
    const std::string token = trimmed.substr(0, space);
    const bool negated = token.size() > 1 && token[1] == '^';
    const std::string id = token.substr(negated ? 2 : 1);
    const std::string& mine = node_.config_id;
    const bool keep = !mine.empty() && (negated ? id != mine : id == mine);
    const std::string rest = space == std::string::npos ? "" : Trim(trimmed.substr(space));
    rewrites_.push_back(
        {node_.name,
         {file, number},
         trimmed,
         keep ? rest : "(dropped)",
         mine.empty() ? "no config id: keepalived drops every @ line"
                      : fmt::format("@ line resolved for config id {}: the lab runs the node's "
                                    "file without -i",
                                    mine)});
    if (keep) Line(file, number, indent + rest, depth);
  }

  void Include(const std::filesystem::path& file, int number, const std::string& trimmed,
               std::string pattern, int depth) {
    if (pattern.size() >= 2 && pattern.front() == '"' && pattern.back() == '"') {
      pattern = pattern.substr(1, pattern.size() - 2);
    }
    std::filesystem::path full = pattern;
    if (full.is_relative()) full = file.parent_path() / full;
    const std::vector<std::filesystem::path> files = Glob(full);
    std::vector<std::string> names;
    for (const std::filesystem::path& f : files) names.push_back(f.string());
    rewrites_.push_back({node_.name,
                         {file, number},
                         trimmed,
                         fmt::format("(inlined: {})", fmt::join(names, ", ")),
                         "the lab runs one file per node"});
    out_ << fmt::format("# viplab: {} inlined\n", trimmed);
    for (const std::filesystem::path& f : files) File(f, depth + 1);
    out_ << fmt::format("# viplab: end of {}\n", trimmed);
  }

  const ConfigNode& node_;
  Plans& plans_;
  std::vector<Rewrite>& rewrites_;
  std::ostringstream out_;
};

}  // namespace

void MapRewrites(const ConfigSet& set, const MappingOptions& options, Mapping& mapping) {
  for (const ConfigNode& node : set.nodes) {
    Plans plans = PlanNode(node, options, mapping);
    LabText text(node, plans, mapping.rewrites);
    text.File(node.file, 0);
    if (!plans.empty()) {
      const Plan& missed = plans.begin()->second;
      throw InputError(fmt::format("{}: the line to rewrite for the lab ({}) was not found in {}",
                                   ToString(missed.where), missed.keyword, node.file.string()));
    }
    mapping.lab_configs[node.name] = text.text();
  }
}

}  // namespace viplab::kconf::mapping_internal
