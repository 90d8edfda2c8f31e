// Registers the SpaceMiT execution provider on a session's options, as the vendor's runtime does:
//
//   Ort::SessionOptions session_options;
//   std::unordered_map<std::string, std::string> provider_options;
//   provider_options["SPACEMIT_EP_INTRA_THREAD_NUM"] = "4";
//   SessionOptionsSpaceMITEnvInit(session_options, provider_options);
//
// Throws Ort::Exception when this build of ortlite has no SpaceMiT provider.
#ifndef ORTLITE_SPACEMIT_ORT_ENV_H_
#define ORTLITE_SPACEMIT_ORT_ENV_H_

#include <string>
#include <unordered_map>

#include "onnxruntime_cxx_api.h"

inline void SessionOptionsSpaceMITEnvInit(Ort::SessionOptions& session_options,
                                          const std::unordered_map<std::string, std::string>& provider_options = {}) {
  session_options.AppendExecutionProvider("SpaceMITExecutionProvider", provider_options);
}

#endif  // ORTLITE_SPACEMIT_ORT_ENV_H_
