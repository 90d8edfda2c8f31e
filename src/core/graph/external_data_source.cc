#include "core/graph/external_data_source.h"

#include "core/framework/tensorprotoutils.h"

namespace ortlite {

ExternalDataSource::ExternalDataSource(std::string model_dir, std::shared_ptr<const MappedFile> model_file,
                                       std::vector<LiftedPayloads::Slice> lifted)
    : model_dir_(std::move(model_dir)), model_file_(std::move(model_file)), lifted_(std::move(lifted)) {}

MappedBytes ExternalDataSource::Resolve(const onnx::TensorProto& proto) {
  for (const auto& kv : proto.external_data()) {
    if (kv.key() != kLiftedSliceKey) continue;
    // Honoured only for slices this load lifted; anything else claiming the key is corrupt.
    size_t index = lifted_.size();
    try {
      index = static_cast<size_t>(std::stoull(kv.value()));
    } catch (const std::exception&) {
    }
    if (!model_file_ || index >= lifted_.size() || proto.external_data_size() != 1) {
      ThrowError(ErrorCode::kInvalidProtobuf, "tensor '", proto.name(), "': external data has no location");
    }
    return MappedBytes{model_file_, lifted_[index].offset, lifted_[index].size};
  }
  const ExternalDataLocation where = LocateExternalData(proto, model_dir_);
  auto& file = files_[where.path];
  if (!file) {
    try {
      file = MappedFile::Open(where.path, "external data file");
    } catch (const OrtliteError&) {
      files_.erase(where.path);
      ThrowError(ErrorCode::kNoSuchFile, "tensor '", proto.name(), "': cannot open external data file '", where.path,
                 "'");
    }
  }
  const auto [offset, length] = ExternalDataRange(proto, where, static_cast<int64_t>(file->Size()));
  return MappedBytes{file, offset, length};
}

}  // namespace ortlite
