# SPDX-License-Identifier: MIT
# cmake -P script: runs one example program the way ./run.sh lessons does, from
# the folder holding OUT (examples write to out/...): figures with SVG copies,
# stdout into OUT/logs/NAME.txt for the page writer.
# Input: -DEXE=program -DNAME=name -DOUT=folder (named out)
cmake_minimum_required(VERSION 3.20)
file(MAKE_DIRECTORY ${OUT}/logs)
get_filename_component(_root ${OUT} DIRECTORY)  # programs that write to out/ directly run from its parent
execute_process(COMMAND ${CMAKE_COMMAND} -E env FLUXION_OUT_DIR=${OUT} FLUXION_FIGURE_FORMATS=png,svg ${EXE}
                WORKING_DIRECTORY ${_root} OUTPUT_FILE ${OUT}/logs/${NAME}.txt RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NAME} failed (${rc}); its output is in ${OUT}/logs/${NAME}.txt")
endif()
