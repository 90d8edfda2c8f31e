// ExternalDataSource: finds the bytes of initializers whose TensorProto says their data is
// elsewhere (data_location EXTERNAL) without reading them: slices the loader lifted out of the
// model file (payload_lifting.h), or ranges of external-data files in the model's folder, which
// are mapped once and shared by all tensors that name them.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/graph/mapped_file.h"
#include "core/graph/payload_lifting.h"
#include "onnx/onnx_pb.h"

namespace ortlite {

class ExternalDataSource {
 public:
  // `model_file` and `lifted`: the mapped model and the slices lifted out of it, if any.
  explicit ExternalDataSource(std::string model_dir, std::shared_ptr<const MappedFile> model_file = nullptr,
                              std::vector<LiftedPayloads::Slice> lifted = {});

  // The bytes of `proto` (data_location EXTERNAL). Throws as LoadExternalData does for a missing,
  // absolute or escaping location, an unreadable file or a range past its end.
  MappedBytes Resolve(const onnx::TensorProto& proto);

 private:
  std::string model_dir_;
  std::shared_ptr<const MappedFile> model_file_;
  std::vector<LiftedPayloads::Slice> lifted_;
  std::map<std::string, std::shared_ptr<const MappedFile>> files_;  // by resolved path
};

}  // namespace ortlite
