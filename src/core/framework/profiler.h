// Session profiler: collects events and writes them as a Chrome-trace JSON (opens in Perfetto).
#pragma once
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace ortlite {

class Profiler {
 public:
  using Clock = std::chrono::high_resolution_clock;

  // Starts collecting; the file is `<prefix>_<timestamp>.json`.
  void Start(const std::string& file_prefix);
  bool IsEnabled() const { return enabled_; }
  Clock::time_point Now() const { return Clock::now(); }
  // Records a complete event (category "Session" or "Node") from `start` to now.
  // `json_args` values are JSON text (arrays, numbers) written as JSON, not as strings.
  void AddEvent(const std::string& category, const std::string& name, Clock::time_point start,
                const std::map<std::string, std::string>& args = {},
                const std::map<std::string, std::string>& json_args = {});
  // Writes the trace and returns its file name; stops collecting.
  std::string EndProfiling();
  // Start time in nanoseconds since the epoch (Ort::Session::GetProfilingStartTimeNs).
  uint64_t StartTimeNs() const { return start_ns_; }

 private:
  struct Event {
    std::string category, name;
    long long ts_us, dur_us;
    int tid;
    std::map<std::string, std::string> args, json_args;
  };
  bool enabled_ = false;
  std::string file_;
  Clock::time_point origin_;
  uint64_t start_ns_ = 0;
  std::mutex mu_;
  std::vector<Event> events_;
};

}  // namespace ortlite
