# SPDX-License-Identifier: MIT
# Script-driven tests: layering, the tour's references, and a consumer project
# against the installed package.
add_test(NAME layering COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -P ${CMAKE_CURRENT_SOURCE_DIR}/check_layers.cmake)

# The build enforces the layers too: a file compiled with autograd's include
# paths finds tensor/ but not nn/ (see cmake/fluxion_layer.cmake).
add_library(layering_probe OBJECT EXCLUDE_FROM_ALL ${CMAKE_CURRENT_SOURCE_DIR}/layering_probe.cpp)
target_link_libraries(layering_probe PRIVATE fluxion::autograd)
add_test(NAME layering_build COMMAND ${CMAKE_COMMAND} --build ${PROJECT_BINARY_DIR} --target layering_probe)
set_tests_properties(layering_build PROPERTIES PASS_REGULAR_EXPRESSION "nn/module.h: No such file or directory")

add_test(NAME docs_tour COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -P ${CMAKE_CURRENT_SOURCE_DIR}/check_tour.cmake)

if(NOT FLUXION_SANITIZE)  # the consumer links without the sanitizer runtime
  add_test(NAME install_consumer
           COMMAND ${CMAKE_COMMAND} -DBUILD_DIR=${PROJECT_BINARY_DIR} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
                   -DWORK_DIR=${PROJECT_BINARY_DIR}/consumer_test -P ${CMAKE_CURRENT_SOURCE_DIR}/install_consumer.cmake)
  set_tests_properties(install_consumer PROPERTIES TIMEOUT 300)
endif()

# The examples run as tests, so CI notices when one breaks (each exits non-zero on failure);
# fashion_mnist on a small subset of Debian's dataset-fashion-mnist.
if(FLUXION_BUILD_EXAMPLES)
  foreach(example train_classifier ode_demo plot_gallery custom_op)
    add_test(NAME example_${example} COMMAND ${example} WORKING_DIRECTORY ${PROJECT_BINARY_DIR})
  endforeach()
  add_test(NAME example_fashion_mnist
           COMMAND fashion_mnist --epochs 2 --limit 1280 --test-limit 1000 --out ${PROJECT_BINARY_DIR}/out/fashion_mnist_test
           WORKING_DIRECTORY ${PROJECT_BINARY_DIR})
  # the second run resumes the first's checkpoint and has nothing left to do
  add_test(NAME example_fashion_mnist_resume
           COMMAND fashion_mnist --epochs 2 --limit 1280 --test-limit 1000 --resume --out ${PROJECT_BINARY_DIR}/out/fashion_mnist_test
           WORKING_DIRECTORY ${PROJECT_BINARY_DIR})
  set_tests_properties(example_fashion_mnist_resume PROPERTIES DEPENDS example_fashion_mnist
                       PASS_REGULAR_EXPRESSION "resumed from .* after epoch 2")
  set_tests_properties(example_fashion_mnist example_plot_gallery PROPERTIES TIMEOUT 600)
  add_test(NAME example_fashion_mnist_help COMMAND fashion_mnist --help)
  set_tests_properties(example_fashion_mnist_help PROPERTIES PASS_REGULAR_EXPRESSION "usage: fashion_mnist \\[--epochs N\\]"
                       FAIL_REGULAR_EXPRESSION "unknown option|needs a value")
endif()

# Every public header compiles on its own (and twice, for #pragma once): one
# generated translation unit per header that fluxion.h includes, plus the
# umbrella and <fluxion/plot.h>. Built with everything; the test rebuilds it.
file(STRINGS ${PROJECT_SOURCE_DIR}/fluxion.h _umbrella REGEX "^#include \"")
set(_public_headers fluxion.h)
foreach(line ${_umbrella})
  string(REGEX REPLACE "^#include \"([^\"]+)\".*" "\\1" header "${line}")
  list(APPEND _public_headers ${header})
endforeach()
if(TARGET fluxion_plot)
  list(APPEND _public_headers fluxion/plot.h)
endif()
set(_header_tus "")
foreach(header ${_public_headers})
  string(MAKE_C_IDENTIFIER ${header} id)
  set(tu ${CMAKE_CURRENT_BINARY_DIR}/public_headers/${id}.cpp)
  file(CONFIGURE OUTPUT ${tu} CONTENT "#include <${header}>\n#include <${header}>\n")
  list(APPEND _header_tus ${tu})
endforeach()
add_library(public_headers OBJECT ${_header_tus})
target_link_libraries(public_headers PRIVATE fluxion::fluxion)
if(TARGET fluxion_plot)
  target_link_libraries(public_headers PRIVATE fluxion::plot)
endif()
fluxion_warnings(public_headers)
add_test(NAME public_headers COMMAND ${CMAKE_COMMAND} --build ${PROJECT_BINARY_DIR} --target public_headers)

include(${CMAKE_CURRENT_SOURCE_DIR}/guide.cmake)  # every C++ block of docs/guide.md, built and run
