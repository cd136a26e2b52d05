# SPDX-License-Identifier: MIT
# cmake --install: headers under include/fluxion, the layer libraries, and a
# package config so that another project can
#   find_package(fluxion CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE fluxion::fluxion)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(_fluxion_export_targets ${FLUXION_LAYERS} fluxion_fluxion)
if(TARGET fluxion_plot)
  list(APPEND _fluxion_export_targets fluxion_plot)
endif()
install(TARGETS ${_fluxion_export_targets} EXPORT fluxionTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES ${PROJECT_SOURCE_DIR}/fluxion.h DESTINATION include/fluxion)
install(EXPORT fluxionTargets NAMESPACE fluxion:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/fluxion)
if(TARGET fluxion_distributed)
  set(_fluxion_mpi ON)
else()
  set(_fluxion_mpi OFF)
endif()
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/fluxionConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/fluxionConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/fluxion)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/fluxionConfigVersion.cmake COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/fluxionConfig.cmake ${PROJECT_BINARY_DIR}/fluxionConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/fluxion_dependencies.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/fluxion)
