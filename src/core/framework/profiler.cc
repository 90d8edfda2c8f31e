#include "core/framework/profiler.h"

#include <unistd.h>

#include <ctime>
#include <fstream>
#include <functional>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace ortlite {

void Profiler::Start(const std::string& file_prefix) {
  enabled_ = true;
  origin_ = Clock::now();
  start_ns_ = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  std::ostringstream os;
  os << file_prefix << "_" << std::put_time(&tm, "%Y-%m-%d_%H-%M-%S") << ".json";
  file_ = os.str();
}

void Profiler::AddEvent(const std::string& category, const std::string& name, Clock::time_point start,
                        const std::map<std::string, std::string>& args,
                        const std::map<std::string, std::string>& json_args) {
  if (!enabled_) return;
  const auto end = Clock::now();
  Event e{category, name, std::chrono::duration_cast<std::chrono::microseconds>(start - origin_).count(),
          std::chrono::duration_cast<std::chrono::microseconds>(end - start).count(),
          static_cast<int>(std::hash<std::thread::id>()(std::this_thread::get_id()) % 100000), args, json_args};
  std::lock_guard<std::mutex> lock(mu_);
  events_.push_back(std::move(e));
}

std::string Profiler::EndProfiling() {
  if (!enabled_) return "";
  nlohmann::json trace = nlohmann::json::array();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& e : events_) {
      nlohmann::json j = {{"cat", e.category}, {"name", e.name}, {"ph", "X"}, {"ts", e.ts_us},
                          {"dur", e.dur_us}, {"pid", static_cast<int>(getpid())}, {"tid", e.tid}};
      j["args"] = nlohmann::json::object();
      for (const auto& [k, v] : e.args) j["args"][k] = v;
      for (const auto& [k, v] : e.json_args) j["args"][k] = nlohmann::json::parse(v, nullptr, false);
      trace.push_back(std::move(j));
    }
    events_.clear();
  }
  std::ofstream out(file_);
  out << trace.dump(1) << "\n";
  enabled_ = false;
  return file_;
}

}  // namespace ortlite
