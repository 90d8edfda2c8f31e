// Logging through spdlog with ORT's severities. Each session logs under its own id.
#pragma once
#include <string>

namespace ortlite {

// Values equal ORT's OrtLoggingLevel.
enum class Severity : int { kVerbose = 0, kInfo = 1, kWarning = 2, kError = 3, kFatal = 4 };

// Sets the process-wide minimum severity (default kWarning; env ORTLITE_LOG_LEVEL=0..4 overrides).
void SetDefaultLogSeverity(Severity s);
Severity DefaultLogSeverity();

// Writes `msg` under `log_id` when `s` >= the threshold (`min` if >= 0, else the default).
void Log(Severity s, const std::string& log_id, const std::string& msg, int min = -1);
inline void LogWarning(const std::string& log_id, const std::string& msg) { Log(Severity::kWarning, log_id, msg); }
inline void LogVerbose(const std::string& log_id, const std::string& msg, int min = -1) {
  Log(Severity::kVerbose, log_id, msg, min);
}
bool LogEnabled(Severity s, int min = -1);

}  // namespace ortlite
