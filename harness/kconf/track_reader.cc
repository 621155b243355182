// What instances and sync groups track, as keepalived 2.2.7 reads it: vrrp_script
// (vrrp_parser.c vrrp_vscript_*_handler), vrrp_track_process (vrrp_tprocess_*_handler),
// track_file (trackers/track_file.c), the track_* blocks (vrrp_track.c alloc_track_if /
// alloc_track_script / alloc_track_process, track_file.c vrrp_alloc_track_file) and notify lines.
#include <fmt/format.h>

#include <algorithm>

#include "harness/kconf/reader_internal.h"
#include "netns/error.h"

namespace viplab::kconf::internal {
namespace {

void ReadScriptInterval(Reader& reader, const ConfNode& line, double& out) {
  // vrrp_vscript_interval_handler / _timeout_handler: whole seconds (read_unsigned with
  // ignore_error, so "2.5" is read as 2 with a complaint), 0 becomes 1.
  NumberRead read = ReadUnsigned(reader.Arg(line, 0), 0, 4294, true);
  if (!read.accepted) return reader.Warn(line, fmt::format("'{}' invalid: ignored", line.args[0]));
  if (!read.clean) {
    reader.Warn(line,
                fmt::format("'{}' is read as {} s (whole seconds)", line.args[0], read.value));
  }
  if (read.value == 0) {
    reader.Warn(line, "must be greater than 0: set to 1");
    read.value = 1;
  }
  out = static_cast<double>(read.value);
}

void ReadScriptCount(Reader& reader, const ConfNode& line, int& out) {
  // vrrp_vscript_rise_handler / _fall_handler: 1..INT_MAX, else 1.
  NumberRead read = ReadUnsigned(reader.Arg(line, 0), 1, 2147483647, true);
  if (!read.accepted) {
    reader.Warn(line, fmt::format("'{}' invalid: defaulting to 1", line.args[0]));
    out = 1;
    return;
  }
  out = static_cast<int>(read.value);
}

void ReadScriptWeight(Reader& reader, const ConfNode& line, VrrpScript& script) {
  // vrrp_vscript_weight_handler: the value is stored even when outside [-253, 253] (2.2.7 only
  // logs it); "reverse" may follow.
  NumberRead read = ReadInt(reader.Arg(line, 0), -253, 253, true);
  if (!read.clean) {
    reader.Warn(line, fmt::format("weight '{}' must be in [-253, 253]; keepalived 2.2.7 uses {}",
                                  line.args[0], read.value));
  }
  script.weight = static_cast<int>(read.value);
  if (line.args.size() >= 2) {
    if (line.args[1] == "reverse") {
      script.weight_reverse = true;
    } else {
      reader.Warn(line, fmt::format("unknown weight option '{}': ignored", line.args[1]));
    }
  }
}

void ReadScriptLine(Reader& reader, const ConfNode& line, VrrpScript& script) {
  const std::string& k = line.keyword;
  if (k == "script") {
    // vrrp_vscript_script_handler: only the first word (or quoted string) is the command.
    if (line.args.empty()) return;
    script.script = line.args[0];
    script.script_where = line.where;
    if (!line.line.empty()) {
      try {
        script.argv = ScriptArgv(line);
      } catch (const InputError& e) {
        // lib/parser.c alloc_strvec_quoted_escaped fails: keepalived sets no script.
        script.script.clear();
        return reader.Warn(line, fmt::format("{}: no script set", e.what()));
      }
    }
    if (line.args.size() > 1) {
      reader.Warn(line, fmt::format("only '{}' is run; '{}' is ignored (quote the whole command)",
                                    line.args[0], Join(line.args, 1)));
    }
  } else if (k == "interval") {
    ReadScriptInterval(reader, line, script.interval_s);
  } else if (k == "timeout") {
    double timeout = 0;
    ReadScriptInterval(reader, line, timeout);
    if (timeout > 0) script.timeout_s = timeout;
  } else if (k == "weight") {
    ReadScriptWeight(reader, line, script);
  } else if (k == "rise") {
    ReadScriptCount(reader, line, script.rise);
  } else if (k == "fall") {
    ReadScriptCount(reader, line, script.fall);
  } else if (k == "user") {
    reader.Arg(line, 0);
    script.user = Join(line.args);
  } else if (k == "init_fail") {
    reader.Unmodelled(line);
  } else {
    reader.Unknown(line);
  }
}

void ReadProcessWeight(Reader& reader, const ConfNode& line, TrackProcess& process) {
  // vrrp_tprocess_weight_handler: [-254, 254], set once, "reverse" may follow.
  if (line.args.empty()) return reader.Warn(line, "no weight: ignored");
  if (process.weight != 0) return reader.Warn(line, "weight already set: ignored");
  NumberRead read = ReadInt(line.args[0], -254, 254, true);
  if (!read.accepted) return reader.Warn(line, "weight must be in [-254, 254]: ignored");
  if (line.args.size() >= 2) {
    if (line.args[1] == "reverse") {
      process.weight_reverse = true;
    } else {
      reader.Warn(line, fmt::format("unknown weight option '{}': ignored", line.args[1]));
    }
  }
  process.weight = static_cast<int>(read.value);
}

void ReadProcessLine(Reader& reader, const ConfNode& line, TrackProcess& process) {
  const std::string& k = line.keyword;
  if (k == "process") {
    reader.Arg(line, 0);
    if (!process.process.empty()) return reader.Warn(line, "process already set: ignored");
    process.process = line.args[0];
    process.parameters.assign(line.args.begin() + 1, line.args.end());
    // vrrp_tprocess_process_handler: parameters mean an exact match of the command line.
    if (!process.parameters.empty() && !process.param_match) process.param_match = "exact";
  } else if (k == "param_match") {
    if (line.args.empty()) {
      process.param_match = "exact";
    } else if (line.args[0] == "initial" || line.args[0] == "partial") {
      process.param_match = line.args[0];
    } else {
      reader.Warn(line, fmt::format("invalid param_match '{}': ignored", line.args[0]));
    }
  } else if (k == "weight") {
    ReadProcessWeight(reader, line, process);
  } else if (k == "quorum") {
    NumberRead read = ReadUnsigned(reader.Arg(line, 0), 1, 65535, true);
    if (!read.accepted) return reader.Warn(line, "quorum must be in [1, 65535]: ignored");
    if (process.quorum_max && read.value > *process.quorum_max) {
      return reader.Warn(line, "quorum greater than quorum_max: ignored");
    }
    process.quorum = static_cast<int>(read.value);
  } else if (k == "quorum_max") {
    NumberRead read = ReadUnsigned(reader.Arg(line, 0), 0, 65535, true);
    if (!read.accepted) return reader.Warn(line, "quorum_max must be in [0, 65535]: ignored");
    if ((read.value != 0 || process.quorum > 1) && read.value < process.quorum) {
      return reader.Warn(line, "quorum_max less than quorum: ignored");
    }
    process.quorum_max = static_cast<int>(read.value);
    if (read.value == 0) process.quorum = 0;
  } else if (k == "delay" || k == "terminate_delay") {
    // vrrp_tprocess_delay_general: seconds with up to 6 decimals, [0.000001, 3600].
    NumberRead read = ReadDecimal(reader.Arg(line, 0), 1, 3600 * kTimerHz, 6, true);
    if (!read.accepted) return reader.Warn(line, "delay must be in [0.000001, 3600]: ignored");
    process.delay_s = static_cast<double>(read.value) / kTimerHz;
  } else if (k == "fork_delay" || k == "full_command") {
    reader.Unmodelled(line);
  } else {
    reader.Unknown(line);
  }
}

void ReadFileLine(Reader& reader, const ConfNode& line, TrackFile& file) {
  const std::string& k = line.keyword;
  if (k == "file") {
    file.file = reader.Arg(line, 0);
  } else if (k == "weight") {
    // track_file.c track_file_weight_handler: [-254, 254], else 1; "reverse" may follow.
    NumberRead read = ReadInt(reader.Arg(line, 0), -254, 254, true);
    if (!read.accepted) {
      reader.Warn(line, "weight must be in [-254, 254]: using 1");
      read.value = 1;
    }
    file.weight = static_cast<int>(read.value);
    if (line.args.size() >= 2) {
      if (line.args[1] == "reverse") {
        file.weight_reverse = true;
      } else {
        reader.Warn(line, fmt::format("unknown weight option '{}': ignored", line.args[1]));
      }
    }
  } else if (k == "init_file") {
    // track_file.c track_file_init_handler: [VALUE] [overwrite]; the value defaults to 0.
    file.init_value = 0;
    for (const std::string& word : line.args) {
      if (word == "overwrite") continue;
      NumberRead read = ReadInt(word, -2147483647LL - 1, 2147483647, false);
      if (!read.accepted) reader.Warn(line, fmt::format("init value '{}' invalid: 0", word));
      file.init_value = read.accepted ? static_cast<int>(read.value) : 0;
    }
  } else {
    reader.Unknown(line);
  }
}

}  // namespace

void ReadVrrpScript(Reader& reader, const ConfNode& node) {
  VrrpScript script;
  script.name = reader.Arg(node, 0);
  script.where = node.where;
  for (const ConfNode& line : node.children) ReadScriptLine(reader, line, script);
  // vrrp_vscript_end_handler: a script without `script` is removed.
  if (script.script.empty()) {
    return reader.Warn(node, fmt::format("no script set for {}: removed", script.name));
  }
  if (reader.config().FindScript(script.name)) {
    reader.Warn(node, fmt::format("a second vrrp_script {}: tracking uses the first", script.name));
  }
  reader.config().scripts.push_back(std::move(script));
}

void ReadTrackProcess(Reader& reader, const ConfNode& node) {
  TrackProcess process;
  process.name = reader.Arg(node, 0);
  process.where = node.where;
  for (const ConfNode& line : node.children) ReadProcessLine(reader, line, process);
  // vrrp_tprocess_end_handler: without `process` it is removed.
  if (process.process.empty()) {
    return reader.Warn(node, fmt::format("no process named for {}: removed", process.name));
  }
  reader.config().track_processes.push_back(std::move(process));
}

void ReadTrackFile(Reader& reader, const ConfNode& node) {
  TrackFile file;
  file.name = reader.Arg(node, 0);
  file.where = node.where;
  for (const ConfNode& line : node.children) ReadFileLine(reader, line, file);
  // track_file.c track_file_end_handler: without `file` it is ignored.
  if (file.file.empty()) {
    return reader.Warn(node, fmt::format("no file set for {}: ignored", file.name));
  }
  reader.config().track_files.push_back(std::move(file));
}

}  // namespace viplab::kconf::internal
