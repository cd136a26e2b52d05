# SPDX-License-Identifier: MIT
# Script-driven tests: layering, and a consumer project against the installed package.
add_test(NAME layering COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -P ${CMAKE_CURRENT_SOURCE_DIR}/check_layers.cmake)
if(NOT FLUXION_SANITIZE)  # the consumer links without the sanitizer runtime
  add_test(NAME install_consumer
           COMMAND ${CMAKE_COMMAND} -DBUILD_DIR=${PROJECT_BINARY_DIR} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
                   -DWORK_DIR=${PROJECT_BINARY_DIR}/consumer_test -P ${CMAKE_CURRENT_SOURCE_DIR}/install_consumer.cmake)
  set_tests_properties(install_consumer PROPERTIES TIMEOUT 300)
endif()
