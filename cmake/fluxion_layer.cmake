# SPDX-License-Identifier: MIT
# fluxion_layer(NAME DEPS dep...): a layer's library from every .cpp in its
# folder, with the project's warnings and sanitizers (on fluxion's own
# targets only, never on users').

function(fluxion_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers $<$<BOOL:${FLUXION_WERROR}>:-Werror>)
  if(FLUXION_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

function(fluxion_layer name)
  cmake_parse_arguments(L "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  set(target fluxion_${name})
  if(srcs)
    add_library(${target} STATIC ${srcs})
    target_link_libraries(${target} PUBLIC ${L_DEPS})
    target_compile_features(${target} PUBLIC cxx_std_20)  # users of the headers need C++20 too
    target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
                                                $<INSTALL_INTERFACE:include/fluxion>)
    target_compile_options(${target} PRIVATE $<$<CONFIG:Release>:-O3>)
    fluxion_warnings(${target})
    if(FLUXION_SANITIZE)
      target_link_options(${target} INTERFACE -fsanitize=address,undefined)
    endif()
  else()  # a layer with no sources yet
    add_library(${target} INTERFACE)
    target_link_libraries(${target} INTERFACE ${L_DEPS})
  endif()
  add_library(fluxion::${name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name} OUTPUT_NAME fluxion_${name})
  set_property(GLOBAL APPEND PROPERTY FLUXION_LAYERS ${target})
  install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/ DESTINATION include/fluxion/${name}
          FILES_MATCHING PATTERN "*.h")
endfunction()
