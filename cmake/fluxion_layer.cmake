# SPDX-License-Identifier: MIT
# fluxion_layer(NAME DEPS dep...): a layer's library from every .cpp in its
# folder, with the project's warnings and sanitizers (on fluxion's own
# targets only, never on users').
#
# The layers are enforced by include paths. Sources include headers by their
# folder ("autograd/tensor.h"), so the repository root would show every layer
# to every other. Instead each folder is exposed on its own: the build tree
# holds include/<folder>/<folder>, a link to the source folder, and a target
# gets only the folders of itself and of the targets it links. An upward
# include ("nn/module.h" from autograd/) then fails to compile.

function(fluxion_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers $<$<BOOL:${FLUXION_WERROR}>:-Werror>)
  if(FLUXION_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(FLUXION_TSAN)
    target_compile_options(${target} PRIVATE -fsanitize=thread -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=thread)
  endif()
  if(FLUXION_FUZZ)  # coverage for libFuzzer in the library too; the fuzz targets link the fuzzer itself
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

# fluxion_expose(target PUBLIC|PRIVATE|INTERFACE path): lets target (and, unless
# PRIVATE, whoever links it) include "path/..." — path is a file or folder of
# the repository ("tensor", "examples/plot", "fluxion.h").
function(fluxion_expose target scope path)
  string(REPLACE "/" "_" key ${path})
  set(dir ${PROJECT_BINARY_DIR}/include/${key})
  get_filename_component(parent ${dir}/${path} DIRECTORY)
  file(MAKE_DIRECTORY ${parent})
  file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${path} ${dir}/${path} SYMBOLIC)
  target_include_directories(${target} ${scope} $<BUILD_INTERFACE:${dir}>)
endfunction()

function(fluxion_layer name)
  cmake_parse_arguments(L "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  set(target fluxion_${name})
  add_library(${target} STATIC ${srcs})
  target_link_libraries(${target} PUBLIC ${L_DEPS})
  target_compile_features(${target} PUBLIC cxx_std_20)  # users of the headers need C++20 too
  fluxion_expose(${target} PUBLIC ${name})
  target_include_directories(${target} PUBLIC $<INSTALL_INTERFACE:include/fluxion>)
  target_compile_options(${target} PRIVATE $<$<CONFIG:Release>:-O3>)
  fluxion_warnings(${target})
  if(FLUXION_SANITIZE OR FLUXION_FUZZ)
    target_link_options(${target} INTERFACE -fsanitize=address,undefined)
  endif()
  if(FLUXION_TSAN)
    target_link_options(${target} INTERFACE -fsanitize=thread)
  endif()
  add_library(fluxion::${name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name} OUTPUT_NAME fluxion_${name})
  set_property(GLOBAL APPEND PROPERTY FLUXION_LAYERS ${target})
  install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/ DESTINATION include/fluxion/${name}
          FILES_MATCHING PATTERN "*.h")
endfunction()
