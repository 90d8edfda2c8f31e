// test_runner: runs ONNX conformance test directories (ORT's onnx_test_runner flags).
//   test_runner [options] DIR...
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>
#include <unistd.h>

#include "test_case.h"

namespace fs = std::filesystem;
using namespace ortlite::test_runner;

namespace {

void Usage() {
  std::cout << "usage: test_runner [options] DIR...\n"
               "  DIR: a test directory (model.onnx + test_data_set_*) or a folder of them\n"
               "  -e PROVIDER  execution provider: cpu (default), spacemit\n"
               "  -j N         run N models in parallel (default 1)\n"
               "  -c N         N concurrent runs of each data set (default 1)\n"
               "  -r N         repeat each data set N times (default 1)\n"
               "  -n NAME      run only the test named NAME\n"
               "  -o LEVEL     graph optimisation level 0, 1, 2 or 99 (default 99)\n"
               "  -x           use the parallel executor\n"
               "  -t RTOL      relative tolerance for every test\n"
               "  -a ATOL      absolute tolerance for every test\n"
               "  -v           verbose: one PASS/FAIL/SKIP line per test\n"
               "  -V           also log each session at verbose level (providers per node, plans)\n"
               "  -h           this help\n";
}

void Collect(const fs::path& p, std::vector<fs::path>& out) {
  if (fs::exists(p / "model.onnx")) {
    out.push_back(p);
    return;
  }
  std::vector<fs::path> subs;
  for (const auto& e : fs::directory_iterator(p))
    if (e.is_directory()) subs.push_back(e.path());
  std::sort(subs.begin(), subs.end());
  for (const auto& s : subs) {
    if (fs::exists(s / "model.onnx")) {
      out.push_back(s);
    } else {
      Collect(s, out);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  RunnerConfig config;
  int jobs = 1;
  std::string only;
  int opt;
  while ((opt = getopt(argc, argv, "e:j:c:r:n:o:xt:a:vVh")) != -1) {
    switch (opt) {
      case 'e': config.provider = optarg; break;
      case 'j': jobs = std::max(1, std::atoi(optarg)); break;
      case 'c': config.concurrent_runs = std::max(1, std::atoi(optarg)); break;
      case 'r': config.repeats = std::max(1, std::atoi(optarg)); break;
      case 'n': only = optarg; break;
      case 'o': config.optimization_level = std::atoi(optarg); break;
      case 'x': config.parallel_executor = true; break;
      case 't': config.tolerance.rtol = std::atof(optarg); config.rtol_override = true; break;
      case 'a': config.tolerance.atol = std::atof(optarg); config.atol_override = true; break;
      case 'v': config.verbose = true; break;
      case 'V': config.verbose = config.verbose_logging = true; break;
      case 'h': Usage(); return 0;
      default: Usage(); return 2;
    }
  }
  if (optind >= argc) {
    Usage();
    return 2;
  }
  std::vector<fs::path> cases;
  for (int i = optind; i < argc; ++i) {
    const fs::path p(argv[i]);
    if (!fs::is_directory(p)) {
      std::cerr << "not a directory: " << p << "\n";
      return 2;
    }
    Collect(p, cases);
  }
  if (!only.empty()) {
    cases.erase(std::remove_if(cases.begin(), cases.end(), [&](const fs::path& c) { return c.filename().string() != only; }),
                cases.end());
  }

  std::vector<CaseResult> results(cases.size());
  std::atomic<size_t> next{0};
  std::mutex print_mu;
  auto worker = [&] {
    for (size_t i = next++; i < cases.size(); i = next++) {
      results[i] = RunTestCase(cases[i].string(), config);
      const std::string label = cases[i].parent_path().filename().string() + "/" + cases[i].filename().string();
      std::lock_guard<std::mutex> lock(print_mu);
      if (results[i].outcome == Outcome::kPass) {
        if (config.verbose) std::cout << "PASS " << label << "\n";
      } else if (results[i].outcome == Outcome::kFail) {
        std::cout << "FAIL " << label << " " << results[i].reason << "\n";
      } else if (config.verbose) {
        std::cout << "SKIP " << label << " " << results[i].reason << "\n";
      }
      std::cout.flush();
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < jobs; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();

  size_t passed = 0, failed = 0, skipped = 0;
  for (const auto& r : results) {
    if (r.outcome == Outcome::kPass) ++passed;
    else if (r.outcome == Outcome::kFail) ++failed;
    else ++skipped;
  }
  std::cout << passed << " passed, " << failed << " failed";
  if (skipped) std::cout << ", " << skipped << " skipped";
  std::cout << std::endl;
  return failed ? 1 : 0;
}
