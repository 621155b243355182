// The JSON report's schema (docs/report-schema.json, compiled in) and reading a saved report.
//
// SchemaErrors checks a JSON value against a JSON Schema written with the subset of draft 2020-12
// that docs/report-schema.json uses: type, const, enum, properties, required,
// additionalProperties (boolean), items, anyOf, minimum, pattern, $ref to "#/$defs/<name>", and
// the annotations $schema, $id, $defs, $comment, title, description, examples. Any other keyword
// is a std::logic_error, so the schema can never rely on a rule that is silently not checked.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace viplab {

// The only schema_version this viplab writes and reads.
inline constexpr int kReportSchemaVersion = 1;

// docs/report-schema.json as built into this binary.
const nlohmann::json& ReportSchema();

// kStrict: everything is checked; additionalProperties:false rejects undocumented keys (what the
// tests demand of BuildReport). kReader: what a reader of saved reports needs. Schema version 1
// has grown by adding keys (wall_ms, jobs, startup, service, judged_by, pcap, ...), so reports
// from older builds lack some and newer ones may carry unknown ones: `required` and
// additionalProperties are not enforced, while every key that is present must have the
// documented type and value.
enum class SchemaMode { kStrict, kReader };

// Every violation of `schema` by `value`, as "<path>: <problem>" with paths like
// "scenarios[2].failover_ms" ("(root)" for the value itself); empty when `value` conforms.
// Stops after `limit` problems.
std::vector<std::string> SchemaErrors(const nlohmann::json& schema, const nlohmann::json& value,
                                      SchemaMode mode, size_t limit = 20);

// Checks that `report` is a viplab report of kReportSchemaVersion: ReportSchema() in kReader mode,
// plus the core every renderer relies on (scenarios, and each scenario's name and passed). Throws
// InputError "<origin>: ..." naming the first problems; another schema_version gets its own
// message.
void CheckReport(const nlohmann::json& report, const std::string& origin);

// Reads, parses and checks a report written by --json. Throws InputError: "file: cannot be
// read", "file:line:column: malformed JSON: ...", or what CheckReport says.
nlohmann::json LoadReport(const std::filesystem::path& file);

}  // namespace viplab
