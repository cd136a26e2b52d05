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
