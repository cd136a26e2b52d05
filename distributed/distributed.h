// SPDX-License-Identifier: MIT
// The distributed layer (built when MPI is found; see README "Training on
// several machines"): process groups and collectives on tensors,
// nn::DistributedDataParallel, data::DistributedSampler and sum_over_ranks
// for optim::minimize. Include this after fluxion.h.
#pragma once
#include "distributed/collectives.h"
#include "distributed/ddp.h"
#include "distributed/objective.h"
#include "distributed/process_group.h"
#include "distributed/sampler.h"
