# SPDX-License-Identifier: MIT
# The dependencies fluxion's libraries link: OpenMP and the OpenMP build of
# OpenBLAS (with the LAPACK it ships). The OpenMP build matters: Debian's
# default pthread build runs its own thread pool beside OpenMP's and
# oversubscribes the cores (a 50x slowdown for small ops at 2 threads).
# zlib (Debian: zlib1g-dev) lets nn's data readers open gzip-compressed files
# such as the Fashion-MNIST IDX files.
# Included by the top-level CMakeLists.txt and by the installed package config.
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(ZLIB REQUIRED)

set(_fluxion_blas_hints
    /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp /usr/lib/x86_64-linux-gnu/openblas-openmp
    /usr/lib/aarch64-linux-gnu/openblas-openmp)
find_library(FLUXION_OPENBLAS_LIBRARY NAMES openblas PATHS ${_fluxion_blas_hints} NO_DEFAULT_PATH)
if(NOT FLUXION_OPENBLAS_LIBRARY)
  message(WARNING "fluxion: the OpenMP build of OpenBLAS was not found (Debian: libopenblas-openmp-dev); "
                  "falling back to the default libopenblas, which may oversubscribe threads")
  find_library(FLUXION_OPENBLAS_LIBRARY NAMES openblas REQUIRED)
endif()
find_path(FLUXION_CBLAS_INCLUDE_DIR cblas.h
          PATHS /usr/include/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp
                /usr/include/x86_64-linux-gnu/openblas-openmp /usr/include/openblas
          NO_DEFAULT_PATH)
if(NOT FLUXION_CBLAS_INCLUDE_DIR)
  find_path(FLUXION_CBLAS_INCLUDE_DIR cblas.h REQUIRED)
endif()

if(NOT TARGET fluxion::blas)
  add_library(fluxion::blas INTERFACE IMPORTED)
  set_target_properties(fluxion::blas PROPERTIES
    INTERFACE_LINK_LIBRARIES "${FLUXION_OPENBLAS_LIBRARY};OpenMP::OpenMP_CXX"
    INTERFACE_INCLUDE_DIRECTORIES "${FLUXION_CBLAS_INCLUDE_DIR}")
endif()

# MPI (Debian: libopenmpi-dev) for the optional distributed layer: FLUXION_MPI
# ON requires it, AUTO (the default) builds the layer when it is found, OFF skips it.
if(FLUXION_MPI STREQUAL "ON")
  find_package(MPI REQUIRED COMPONENTS CXX)
elseif(NOT FLUXION_MPI STREQUAL "OFF")
  find_package(MPI QUIET COMPONENTS CXX)
endif()
