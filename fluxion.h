// SPDX-License-Identifier: MIT
// fluxion — a from-scratch C++20 tensor and automatic-differentiation framework.
// The umbrella header: users and examples include only this.
//
//   #include <fluxion.h>
//   namespace fx = fluxion;
//   auto x = fx::randn({3}, fx::Float64).requires_grad_();
//   auto y = (x.sin() * x).sum();
//   y.backward();                         // x.grad() == sin(x) + x cos(x)
#pragma once

#include "tensor/allocator.h"
#include "tensor/config.h"
#include "tensor/dtype.h"
#include "tensor/error.h"
#include "tensor/shape.h"
#include "tensor/tensor_data.h"
#include "tensor/threads.h"
#include "tensor/util/progress_bar.h"

#include "autograd/apply.h"
#include "autograd/checkpoint.h"
#include "autograd/engine.h"
#include "autograd/forward_ad.h"
#include "autograd/function.h"
#include "autograd/functional.h"
#include "autograd/gradcheck.h"
#include "autograd/grad_mode.h"
#include "autograd/linalg.h"
#include "autograd/node.h"
#include "autograd/ops.h"
#include "autograd/ops_math.h"
#include "autograd/tensor.h"
#include "autograd/vmap.h"
#include "jit/trace.h"

#include "nn/activation.h"
#include "nn/attention.h"
#include "nn/checkpoint_sequential.h"
#include "nn/functional_call.h"
#include "nn/container.h"
#include "nn/atomic_file.h"
#include "nn/conv.h"
#include "nn/data/dataset.h"
#include "nn/data/fashion_mnist.h"
#include "nn/data/loader.h"
#include "nn/data/readers.h"
#include "nn/functional.h"
#include "nn/holder.h"
#include "nn/init.h"
#include "nn/layers.h"
#include "nn/loss.h"
#include "nn/module.h"
#include "nn/norm.h"
#include "nn/pooling.h"
#include "nn/recurrent.h"
#include "nn/safetensors.h"
#include "nn/serialize.h"
#include "nn/transformer.h"
#include "nn/upsampling.h"
#include "nn/utils.h"

#include "optim/adam.h"
#include "optim/checkpoint.h"
#include "optim/lbfgs.h"
#include "optim/lr_scheduler.h"
#include "optim/minimize.h"
#include "optim/optimizer.h"
#include "optim/rmsprop.h"
#include "optim/sgd.h"

#include "odeint/odeint.h"
#include "odeint/adjoint.h"
#include "odeint/event.h"
