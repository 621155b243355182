#include "harness/report/junit.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <libxml/xmlwriter.h>

#include <cerrno>
#include <cstdint>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "netns/error.h"

namespace viplab {
namespace {

using nlohmann::json;

// --- Text XML 1.0 can carry -------------------------------------------------------------------

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one (overlong forms,
// surrogates and code points above U+10FFFF are invalid). Sets `cp`.
size_t Utf8Sequence(std::string_view s, size_t i, uint32_t& cp) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  size_t length;
  uint32_t min;
  if (lead < 0x80) {
    cp = lead;
    return 1;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, min = 0x80, cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, min = 0x800, cp = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, min = 0x10000, cp = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return length;
}

// `text` as XML 1.0 character data (before escaping, which libxml2 does).
std::string XmlChars(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    const size_t length = Utf8Sequence(text, i, cp);
    if (length == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') {
      out += fmt::format("\\x{:02x}", cp);
    } else if (cp == 0xFFFE || cp == 0xFFFF) {
      out += kReplacement;
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

// --- Tolerant report access -------------------------------------------------------------------

const json& Field(const json& object, const char* key) {
  static const json null;
  if (!object.is_object()) return null;
  const auto it = object.find(key);
  return it == object.end() ? null : *it;
}

std::string Text(const json& value) {
  if (value.is_null()) return "";
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string Text(const json& object, const char* key) { return Text(Field(object, key)); }

std::vector<std::string> Lines(const json& object, const char* key) {
  std::vector<std::string> lines;
  const json& list = Field(object, key);
  if (list.is_array()) {
    for (const json& line : list) lines.push_back(Text(line));
  }
  return lines;
}

double Number(const json& object, const char* key) {
  const json& value = Field(object, key);
  return value.is_number() ? value.get<double>() : 0;
}

bool Flag(const json& object, const char* key) {
  const json& value = Field(object, key);
  return value.is_boolean() && value.get<bool>();
}

std::string Seconds(double ms) { return fmt::format("{:.3f}", ms > 0 ? ms / 1000 : 0.0); }

std::string Ms(const json& value) {
  return value.is_number() ? fmt::format("{:.1f} ms", value.get<double>()) : "-";
}

std::string BoundText(const json& bound) {
  const json& min = Field(bound, "min");
  const json& max = Field(bound, "max");
  if (min.is_number() && max.is_number()) {
    return fmt::format("{:g}..{:g} ms", min.get<double>(), max.get<double>());
  }
  if (max.is_number()) return fmt::format("<= {:g} ms", max.get<double>());
  if (min.is_number()) return fmt::format(">= {:g} ms", min.get<double>());
  return "any";
}

// "owner_after lb2, failover_ms 300..1200 ms"; per-VIP expectations (`vips`) as
// "vip 10.77.0.201 (owner_after lb1)".
std::string ExpectationText(const json& expected) {
  if (!expected.is_object() || expected.empty()) return "nothing";
  std::vector<std::string> parts;
  for (const auto& [key, value] : expected.items()) {
    if (key == "vips" && value.is_array()) {
      for (const json& vip : value) {
        json rest = vip.is_object() ? vip : json::object();
        rest.erase("vip");
        parts.push_back(fmt::format("vip {} ({})", Text(vip, "vip"), ExpectationText(rest)));
      }
      continue;
    }
    parts.push_back(value.is_object() ? fmt::format("{} {}", key, BoundText(value))
                                      : fmt::format("{} {}", key, Text(value)));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

bool IsError(const json& scenario) {
  const json& error = Field(scenario, "error");
  return !error.is_null() && !Text(error).empty();
}

// Passed, but its checks could not judge what it claims (reports from before `verdict` existed
// have none: their passes stay passes).
bool IsInconclusive(const json& scenario) {
  return !IsError(scenario) && Flag(scenario, "passed") &&
         Text(scenario, "verdict") == "inconclusive";
}

std::pair<std::string, std::string> SplitName(const std::string& full) {
  const size_t slash = full.rfind('/');
  if (slash == std::string::npos) return {"viplab", full};
  return {full.substr(0, slash), full.substr(slash + 1)};
}

// The body of <failure> / <error>: measured vs expected, then the oracle's explanation.
std::string Explanation(const json& s) {
  std::string out;
  if (IsError(s)) out += fmt::format("Error: {}\n", Text(s, "error"));
  out += fmt::format("Fault: {}\n", Text(s, "fault"));
  const std::vector<std::string> failures = Lines(s, "failures");
  if (!failures.empty()) {
    out += "Measured vs expected:\n";
    for (const std::string& failure : failures) out += fmt::format("  {}\n", failure);
  }
  out += fmt::format("Expected ({}): {}\n",
                     Text(s, "judged_by") == "oracle" ? "the oracle's prediction" : "the scenario",
                     ExpectationText(Field(s, "expected")));
  const json& p = Field(s, "prediction");
  if (!p.is_object()) {
    out += "Oracle: no prediction\n";
    return out;
  }
  out += fmt::format(
      "Oracle ({} confidence): {} -> {}; VIP {}; failover {}; release {}; split brain {}\n",
      Text(p, "confidence"), Text(p, "owner_before"), Text(p, "owner_after"),
      Flag(p, "vip_moves") ? "moves" : "stays", BoundText(Field(p, "failover_ms")),
      BoundText(Field(p, "release_ms")), Flag(p, "split_brain") ? "yes" : "no");
  const std::vector<std::string> reasons = Lines(p, "reasons");
  if (!reasons.empty()) out += "Why:\n";
  for (size_t i = 0; i < reasons.size(); ++i) out += fmt::format("  {}. {}\n", i + 1, reasons[i]);
  return out;
}

// <system-out>: what was measured, the steps, the timeline and the log tail.
std::string SystemOut(const json& s) {
  std::string out = fmt::format("Fault: {}\n", Text(s, "fault"));
  const std::string after = Field(s, "owners_after").is_array() && !Field(s, "owners_after").empty()
                                ? fmt::format("{}", fmt::join(Lines(s, "owners_after"), "+"))
                                : "none";
  out += fmt::format(
      "Measured: owner {} -> {}; failover {}; release {}; outage {}{} (total {}); dual owner {} "
      "(split brain {}, handover overlap {}; tolerance {}); stale VIP {}; no owner {}; probes {} "
      "({} failed); observed {}\n",
      Field(s, "owner_before").is_null() ? "none" : Text(s, "owner_before"), after,
      Ms(Field(s, "failover_ms")), Ms(Field(s, "release_ms")), Ms(Field(s, "outage_ms")),
      Flag(s, "outage_ongoing") ? " (ongoing)" : "", Ms(Field(s, "outage_total_ms")),
      Ms(Field(s, "dual_owner_ms")), Ms(Field(s, "split_brain_ms")),
      Ms(Field(s, "handover_overlap_ms")), Ms(Field(s, "split_brain_tolerance_ms")),
      Ms(Field(s, "stale_vip_ms")), Ms(Field(s, "no_owner_ms")), Text(s, "probes"),
      Text(s, "probes_failed"), Ms(Field(s, "observed_ms")));
  const json& steps = Field(s, "steps");
  if (steps.is_array() && !steps.empty()) {
    out += "Steps (t from the first inject):\n";
    for (const json& step : steps) {
      const char* verdict =
          Flag(step, "skipped") ? "SKIP" : (Flag(step, "passed") ? "PASS" : "FAIL");
      out += fmt::format("  {:>2}. {} {:<6} t={:.1f} ms ({:.1f} ms) {}\n", Text(step, "index"),
                         verdict, Text(step, "kind"), Number(step, "t_ms"),
                         Number(step, "duration_ms"), Text(step, "description"));
      for (const std::string& failure : Lines(step, "failures")) {
        out += fmt::format("        {}\n", failure);
      }
      const json& m = Field(step, "measured");
      if (m.is_object()) {
        out += fmt::format(
            "        phase: owner {} -> {}; failover {}; outage {}; split brain {}{}; handover "
            "overlap {}; stale VIP {}\n",
            Text(m, "owner_before"),
            Field(m, "owner_after").is_null() ? "-" : Text(m, "owner_after"),
            Ms(Field(m, "failover_ms")), Ms(Field(m, "outage_ms")),
            Flag(m, "split_brain") ? "yes, " : "no, ", Ms(Field(m, "split_brain_ms")),
            Ms(Field(m, "handover_overlap_ms")), Ms(Field(m, "stale_vip_ms")));
      }
    }
  }
  const json& events = Field(s, "events");
  if (events.is_array() && !events.empty()) {
    out += "Events (t_ms from the fault):\n";
    for (const json& e : events) {
      out += fmt::format("  {:>10.1f}  {:<8} {:<12} {}\n", Number(e, "t_ms"), Text(e, "node"),
                         Text(e, "kind"), Text(e, "detail"));
    }
  }
  const std::vector<std::string> log_tail = Lines(s, "log_tail");
  if (!log_tail.empty()) {
    out += "Keepalived log tail:\n";
    for (const std::string& line : log_tail) out += fmt::format("  {}\n", line);
  }
  if (!Text(s, "pcap").empty()) out += fmt::format("Wire capture: {}\n", Text(s, "pcap"));
  return out;
}

// --- libxml2 writer ---------------------------------------------------------------------------

struct BufferFree {
  void operator()(xmlBufferPtr buffer) const { xmlBufferFree(buffer); }
};
struct WriterFree {
  void operator()(xmlTextWriterPtr writer) const { xmlFreeTextWriter(writer); }
};

const xmlChar* X(const char* text) { return reinterpret_cast<const xmlChar*>(text); }

class Writer {
 public:
  Writer() : buffer_(xmlBufferCreate()) {
    if (!buffer_) throw std::runtime_error("libxml2: cannot allocate a buffer");
    writer_.reset(xmlNewTextWriterMemory(buffer_.get(), 0));
    if (!writer_) throw std::runtime_error("libxml2: cannot create a text writer");
    Check(xmlTextWriterSetIndent(writer_.get(), 1), "set indent");
    Check(xmlTextWriterSetIndentString(writer_.get(), X("  ")), "set indent");
    Check(xmlTextWriterStartDocument(writer_.get(), nullptr, "UTF-8", nullptr), "start document");
  }

  void Start(const char* element) {
    Check(xmlTextWriterStartElement(writer_.get(), X(element)), element);
  }
  void End() { Check(xmlTextWriterEndElement(writer_.get()), "end element"); }
  void Attribute(const char* name, std::string_view value) {
    const std::string safe = XmlChars(value);
    Check(xmlTextWriterWriteAttribute(writer_.get(), X(name), X(safe.c_str())), name);
  }
  void Attribute(const char* name, long value) { Attribute(name, std::to_string(value)); }
  void Text(std::string_view text) {
    const std::string safe = XmlChars(text);
    Check(xmlTextWriterWriteString(writer_.get(), X(safe.c_str())), "text");
  }

  std::string Finish() {
    Check(xmlTextWriterEndDocument(writer_.get()), "end document");
    writer_.reset();  // flushes into the buffer
    return {reinterpret_cast<const char*>(xmlBufferContent(buffer_.get())),
            static_cast<size_t>(xmlBufferLength(buffer_.get()))};
  }

 private:
  static void Check(int rc, const char* what) {
    if (rc < 0) throw std::runtime_error(fmt::format("libxml2: cannot write JUnit XML ({})", what));
  }
  std::unique_ptr<xmlBuffer, BufferFree> buffer_;
  std::unique_ptr<xmlTextWriter, WriterFree> writer_;
};

void Property(Writer& w, const char* name, const std::string& value) {
  w.Start("property");
  w.Attribute("name", name);
  w.Attribute("value", value);
  w.End();
}

void Testcase(Writer& w, const json& s) {
  const auto [classname, name] = SplitName(Text(s, "name"));
  w.Start("testcase");
  w.Attribute("classname", classname);
  w.Attribute("name", name);
  w.Attribute("time", Seconds(Number(s, "wall_ms")));
  w.Attribute("file", Text(s, "file"));
  if (IsError(s)) {
    w.Start("error");
    w.Attribute("message", Text(s, "error"));
    w.Attribute("type", "LabError");
    w.Text(Explanation(s));
    w.End();
  } else if (!Flag(s, "passed")) {
    const std::vector<std::string> failures = Lines(s, "failures");
    w.Start("failure");
    w.Attribute("message", failures.empty() ? std::string("scenario failed")
                                            : fmt::format("{}", fmt::join(failures, "; ")));
    w.Attribute("type", "ExpectationFailed");
    w.Text(Explanation(s));
    w.End();
  } else if (IsInconclusive(s)) {
    w.Start("skipped");
    w.Attribute("message", "inconclusive: " + Text(s, "verdict_reason"));
    w.End();
  }
  w.Start("system-out");
  w.Text(SystemOut(s));
  w.End();
  w.End();
}

}  // namespace

std::string RenderJunit(const json& report) {
  const json& scenarios = Field(report, "scenarios");
  long tests = 0, failures = 0, errors = 0, skipped = 0;
  if (scenarios.is_array()) {
    for (const json& s : scenarios) {
      ++tests;
      if (IsError(s)) {
        ++errors;
      } else if (!Flag(s, "passed")) {
        ++failures;
      } else if (IsInconclusive(s)) {
        ++skipped;
      }
    }
  }
  const std::string time = Seconds(Number(report, "wall_ms"));
  auto counts = [&](Writer& w) {
    w.Attribute("tests", tests);
    w.Attribute("failures", failures);
    w.Attribute("errors", errors);
    w.Attribute("skipped", skipped);
    w.Attribute("time", time);
  };

  Writer w;
  w.Start("testsuites");
  w.Attribute("name", "viplab");
  counts(w);
  w.Start("testsuite");
  w.Attribute("name", "viplab");
  counts(w);
  // JUnit timestamps carry no zone (Ant's format); viplab's are UTC.
  std::string started_at = Text(report, "started_at");
  if (started_at.size() == 20 && started_at.back() == 'Z') {
    started_at.pop_back();
    w.Attribute("timestamp", started_at);
  }
  w.Attribute("id", 0L);
  w.Start("properties");
  Property(w, "viplab.version", Text(report, "version"));
  Property(w, "schema_version", Text(report, "schema_version"));
  Property(w, "started_at", Text(report, "started_at"));
  Property(w, "jobs", Text(report, "jobs"));
  if (report.value("partial", false)) {  // cut short: the testcases are the finished scenarios
    Property(w, "partial", "true");
    Property(w, "scenarios_planned", Text(report, "scenarios_planned"));
  }
  w.End();
  if (scenarios.is_array()) {
    for (const json& s : scenarios) Testcase(w, s);
  }
  w.End();  // testsuite
  w.End();  // testsuites
  return w.Finish();
}

void WriteJunit(const std::filesystem::path& path, const json& report) {
  const std::string xml = RenderJunit(report);
  std::error_code error;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), error);
  if (error) {
    throw SystemError::FromErrno(error.value(),
                                 fmt::format("could not create '{}'", path.parent_path().string()));
  }
  std::ofstream out(path, std::ios::binary);
  out << xml;
  out.close();
  if (!out) throw SystemError::FromErrno(errno, fmt::format("could not write '{}'", path.string()));
}

}  // namespace viplab
