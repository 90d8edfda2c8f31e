// OrtValue: what flows along a graph edge — a tensor, a sequence, a map, or nothing (an absent
// optional input, or an optional value holding no element).
#pragma once
#include <memory>
#include <vector>

#include "core/framework/tensor.h"

namespace ortlite {

class OrtValue;

// A sequence of values (ONNX sequence type). Elements are usually tensors of `elem_type`;
// sequences of maps (ZipMap output) hold map values.
struct TensorSeq {
  DataType elem_type = DataType::kUndefined;  // element type of tensor elements
  std::vector<OrtValue> values;
};

// A map (ai.onnx.ml map type) as two 1-D tensors of equal length: keys and values.
struct MapValue {
  Tensor keys;
  Tensor values;
};

class OrtValue {
 public:
  enum class Kind { kNone, kTensor, kSequence, kMap };

  OrtValue() = default;
  explicit OrtValue(Tensor t) : kind_(Kind::kTensor), tensor_(std::make_shared<Tensor>(std::move(t))) {}
  explicit OrtValue(TensorSeq s) : kind_(Kind::kSequence), seq_(std::make_shared<TensorSeq>(std::move(s))) {}
  explicit OrtValue(MapValue m) : kind_(Kind::kMap), map_(std::make_shared<MapValue>(std::move(m))) {}

  Kind GetKind() const { return kind_; }
  bool IsAllocated() const { return kind_ != Kind::kNone; }
  bool IsTensor() const { return kind_ == Kind::kTensor; }
  bool IsSequence() const { return kind_ == Kind::kSequence; }
  bool IsMap() const { return kind_ == Kind::kMap; }

  const Tensor& Get() const { return *CheckKind(tensor_, Kind::kTensor); }
  Tensor& GetMutable() { return *CheckKind(tensor_, Kind::kTensor); }
  const TensorSeq& GetSequence() const { return *CheckKind(seq_, Kind::kSequence); }
  TensorSeq& GetMutableSequence() { return *CheckKind(seq_, Kind::kSequence); }
  const MapValue& GetMap() const { return *CheckKind(map_, Kind::kMap); }

 private:
  template <typename P>
  P& CheckKind(P& p, Kind k) const {
    static const char* names[] = {"nothing", "a tensor", "a sequence", "a map"};
    if (kind_ != k) ThrowError(ErrorCode::kInvalidArgument, "value holds ", names[int(kind_)], ", expected ", names[int(k)]);
    return p;
  }

  Kind kind_ = Kind::kNone;
  std::shared_ptr<Tensor> tensor_;
  std::shared_ptr<TensorSeq> seq_;
  std::shared_ptr<MapValue> map_;
};

}  // namespace ortlite
