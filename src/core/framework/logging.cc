#include "core/framework/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdlib>

namespace ortlite {

namespace {
std::atomic<int>& Threshold() {
  static std::atomic<int> level([] {
    const char* env = std::getenv("ORTLITE_LOG_LEVEL");
    return env ? std::atoi(env) : static_cast<int>(Severity::kWarning);
  }());
  return level;
}

spdlog::logger& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stderr_color_mt("ortlite");
    l->set_pattern("%Y-%m-%d %H:%M:%S.%e [%^%l%$] %v");
    l->set_level(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

spdlog::level::level_enum ToSpd(Severity s) {
  switch (s) {
    case Severity::kVerbose: return spdlog::level::debug;
    case Severity::kInfo: return spdlog::level::info;
    case Severity::kWarning: return spdlog::level::warn;
    case Severity::kError: return spdlog::level::err;
    default: return spdlog::level::critical;
  }
}
}  // namespace

void SetDefaultLogSeverity(Severity s) { Threshold() = static_cast<int>(s); }
Severity DefaultLogSeverity() { return static_cast<Severity>(Threshold().load()); }

bool LogEnabled(Severity s, int min) { return static_cast<int>(s) >= (min >= 0 ? min : Threshold().load()); }

void Log(Severity s, const std::string& log_id, const std::string& msg, int min) {
  if (!LogEnabled(s, min)) return;
  if (log_id.empty()) {
    Logger().log(ToSpd(s), "{}", msg);
  } else {
    Logger().log(ToSpd(s), "[{}] {}", log_id, msg);
  }
}

}  // namespace ortlite
