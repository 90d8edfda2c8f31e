#include "providers/provider_factory.h"

namespace ortlite {

std::vector<std::shared_ptr<IExecutionProvider>> CreateProvidersFor(const std::string& name,
                                                                    const std::map<std::string, std::string>& options) {
  if (name == "cpu" || name == "CPU" || name == kCpuExecutionProvider) return {};
  if (name == "spacemit" || name == "SpaceMITExecutionProvider") {
    ThrowError(ErrorCode::kInvalidArgument,
               "SpaceMITExecutionProvider is not part of this build of ortlite; available providers: CPUExecutionProvider");
  }
  ThrowError(ErrorCode::kInvalidArgument, "unknown execution provider '", name, "' (available: cpu)");
}

std::vector<std::string> AvailableProviders() { return {kCpuExecutionProvider}; }

}  // namespace ortlite
