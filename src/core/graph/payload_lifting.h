// Lifting large tensor payloads out of a serialized ModelProto before it is parsed.
//
// Parsing copies every raw_data payload into the message; for a model file that is already
// mapped, that would hold each weight twice while loading and once more than needed afterwards.
// LiftLargePayloads walks the protobuf wire format instead and writes a compact copy of the model
// in which the raw_data of each large initializer (of the main graph and of nested subgraphs) is
// replaced by an external-data reference to a slice of the original bytes:
//   data_location: EXTERNAL, external_data: [{ key: kLiftedSliceKey, value: "<slice index>" }]
// The loader then reads such tensors from the mapping (ExternalDataSource), without a copy.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace ortlite {

// The external_data key that marks a lifted payload. Only slices recorded by LiftLargePayloads
// for the model being loaded are honoured.
constexpr const char* kLiftedSliceKey = "ortlite.lifted_slice";
// Payloads smaller than this stay in the message (shape tensors and scalars among them, which
// shape inference reads).
constexpr size_t kMinLiftedPayloadBytes = 1024;

struct LiftedPayloads {
  struct Slice {
    size_t offset = 0;  // into the original bytes
    size_t size = 0;
  };
  std::string compact;        // the model with the lifted payloads replaced by references
  std::vector<Slice> slices;  // by the index the references name
};

// Returns true and fills `out` when at least one payload of `min_bytes` or more was lifted.
// Returns false when there is nothing to lift or the bytes are not well-formed wire data that
// this scan understands (groups, bad lengths, nesting deeper than 64); the caller then parses the
// original bytes, and protobuf reports what is wrong with them.
bool LiftLargePayloads(const char* data, size_t size, size_t min_bytes, LiftedPayloads* out);

}  // namespace ortlite
