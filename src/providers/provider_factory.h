// Creates execution providers by the short names the tools accept (-e cpu|spacemit).
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/framework/execution_provider.h"

namespace ortlite {

// Providers for `name` in priority order ("cpu": none, the session adds the CPU provider itself).
// Throws kInvalidArgument for an unknown or unavailable provider.
std::vector<std::shared_ptr<IExecutionProvider>> CreateProvidersFor(const std::string& name,
                                                                    const std::map<std::string, std::string>& options);

// Full provider names this build can create (ORT's GetAvailableProviders).
std::vector<std::string> AvailableProviders();

}  // namespace ortlite
