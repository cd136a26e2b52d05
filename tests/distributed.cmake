# SPDX-License-Identifier: MIT
# test_distributed runs under mpirun: on 2 ranks, and on 4 ranks oversubscribing
# the cores. All traffic stays on this machine: shared memory between the ranks
# (btl self,vader) and the loopback interface for mpirun's own channel; as root
# mpirun needs --allow-run-as-root. Each run is bounded by `timeout`, so a
# collective left waiting fails the test instead of hanging CI.
add_executable(test_distributed ${_srcs})
target_link_libraries(test_distributed PRIVATE fluxion::fluxion GTest::gtest)  # main.cpp starts MPI
target_include_directories(test_distributed PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
fluxion_warnings(test_distributed)

set(FLUXION_MPIRUN ${MPIEXEC_EXECUTABLE} --allow-run-as-root --oversubscribe --mca btl self,vader
    --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo)
# Under the asan preset LeakSanitizer would report Open MPI's own allocations:
# lsan.supp names its libraries. Those names only show when Open MPI does not
# dlclose its plugins before the leak check and when LSan unwinds with the slow
# unwinder (Open MPI is built without frame pointers).
set(FLUXION_MPI_ENV "OMP_NUM_THREADS=1;OMPI_MCA_mca_base_component_disable_dlclose=1"
    "LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/distributed/lsan.supp:fast_unwind_on_malloc=0")
foreach(np 2 4)
  add_test(NAME distributed_np${np}
           COMMAND timeout 600 ${FLUXION_MPIRUN} -np ${np} $<TARGET_FILE:test_distributed> --gtest_brief=1)
  set_tests_properties(distributed_np${np} PROPERTIES LABELS distributed TIMEOUT 620 RESOURCE_LOCK mpi
                       ENVIRONMENT "${FLUXION_MPI_ENV}")
endforeach()

# A rank that throws ends the whole job with its message (exceptions escape the
# test body with --gtest_catch_exceptions=0; the other rank waits in a barrier).
add_test(NAME distributed_throwing_rank
         COMMAND timeout 60 ${FLUXION_MPIRUN} -np 2 $<TARGET_FILE:test_distributed> --gtest_brief=1
                 --gtest_filter=Failure.ThrowingRankEndsTheJob --gtest_catch_exceptions=0)
set_tests_properties(distributed_throwing_rank PROPERTIES LABELS distributed TIMEOUT 70 RESOURCE_LOCK mpi
                     ENVIRONMENT "${FLUXION_MPI_ENV};FLUXION_TEST_THROW=1"
                     PASS_REGULAR_EXPRESSION "rank 1 of 2: boom from rank 1; aborting the job")

# The DDP example on a small subset of Fashion-MNIST, on 2 ranks.
if(TARGET ddp_fashion_mnist)
  add_test(NAME example_ddp_fashion_mnist
           COMMAND timeout 600 ${FLUXION_MPIRUN} -np 2 $<TARGET_FILE:ddp_fashion_mnist> --epochs 1 --limit 1280
                   --test-limit 1000)
  set_tests_properties(example_ddp_fashion_mnist PROPERTIES LABELS distributed TIMEOUT 620 RESOURCE_LOCK mpi
                       ENVIRONMENT "${FLUXION_MPI_ENV}" PASS_REGULAR_EXPRESSION "epoch 1 .* test accuracy")
  # --help prints the usage once (rank 0) and every rank exits cleanly
  add_test(NAME example_ddp_fashion_mnist_help
           COMMAND timeout 60 ${FLUXION_MPIRUN} -np 2 $<TARGET_FILE:ddp_fashion_mnist> --help)
  set_tests_properties(example_ddp_fashion_mnist_help PROPERTIES LABELS distributed TIMEOUT 70 RESOURCE_LOCK mpi
                       ENVIRONMENT "${FLUXION_MPI_ENV}" PASS_REGULAR_EXPRESSION "usage: mpirun -np N ddp_fashion_mnist"
                       FAIL_REGULAR_EXPRESSION "MPI_ABORT|aborting|needs a value")
endif()
