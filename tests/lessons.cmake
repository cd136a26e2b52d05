# SPDX-License-Identifier: MIT
# tests/lessons -> test_lessons, which runs the lesson programs and checks what
# they print and draw. Each lesson is its own CTest entry (lesson07 runs the
# GoogleTest suites Lesson07*), so a program runs once per entry.
get_property(_lessons GLOBAL PROPERTY FLUXION_LESSONS)
target_compile_definitions(test_lessons PRIVATE FLUXION_LESSON_BIN_DIR="${PROJECT_BINARY_DIR}/examples/lessons")
target_include_directories(test_lessons SYSTEM PRIVATE ${FLUXION_STB_INCLUDE_DIR})
foreach(lesson ${_lessons})
  add_dependencies(test_lessons ${lesson})
  string(SUBSTRING ${lesson} 6 2 nn)
  add_test(NAME ${lesson} COMMAND test_lessons --gtest_brief=1 --gtest_filter=Lesson${nn}*)
  set_tests_properties(${lesson} PROPERTIES LABELS lessons)
endforeach()
