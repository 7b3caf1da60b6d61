#pragma once
// Debian's libtorch-dev 1.13 ships c10d/reducer.hpp (DDP's gradient reducer) without the
// distributed-autograd header it includes. The Reducer only holds a shared_ptr to a context and
// names its callback type, so declaring those two names is enough and changes no layout.
// Used only when the real header is missing (see core/CMakeLists.txt); LibTorch 2.x ships it.
#include <ATen/core/Tensor.h>

#include <functional>
#include <memory>

namespace torch {
namespace distributed {
namespace autograd {

class DistAutogradContext {
public:
    using GradCallback = std::function<bool(at::Tensor&)>;
};
using ContextPtr = std::shared_ptr<DistAutogradContext>;

}  // namespace autograd
}  // namespace distributed
}  // namespace torch
