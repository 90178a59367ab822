# Helpers shared by every layer and test folder.

# Compile options every spincim target gets: C++20, warnings, optional -Werror and sanitizers.
add_library(spincim_options INTERFACE)
target_compile_features(spincim_options INTERFACE cxx_std_20)
target_compile_options(spincim_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion $<$<BOOL:${SPINCIM_WERROR}>:-Werror>)
# GCC 12 at -O3 reports -Wrestrict on plain std::string concatenation inside libstdc++ (a false
# positive, GCC PR 105329): keep the warning visible but do not fail a Release build on it.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(spincim_options INTERFACE $<$<BOOL:${SPINCIM_WERROR}>:-Wno-error=restrict>)
endif()
if(SPINCIM_SANITIZE)
    target_compile_options(spincim_options INTERFACE -fsanitize=${SPINCIM_SANITIZE} -fno-omit-frame-pointer
        -fno-sanitize-recover=all)
    target_link_options(spincim_options INTERFACE -fsanitize=${SPINCIM_SANITIZE})
endif()

# spincim_add_layer(<name> SOURCES ... [DEPS ...] [PRIVATE_DEPS ...])
# Defines the static library spincim_<name> (exported as spincim::<name>) with the public headers
# in include/spincim/<name>/. Layers register themselves for the umbrella target spincim::spincim.
function(spincim_add_layer name)
    cmake_parse_arguments(L "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
    set(target spincim_${name})
    add_library(${target} STATIC ${L_SOURCES})
    add_library(spincim::${name} ALIAS ${target})
    set_target_properties(${target} PROPERTIES EXPORT_NAME ${name} POSITION_INDEPENDENT_CODE ON)
    # The public headers use C++20: users of the installed package need it too.
    target_compile_features(${target} PUBLIC cxx_std_20)
    target_include_directories(${target} PUBLIC
        $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
        $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
    target_link_libraries(${target} PUBLIC ${L_DEPS} PRIVATE $<BUILD_INTERFACE:spincim_options> ${L_PRIVATE_DEPS})
    if(SPINCIM_SANITIZE)
        target_link_options(${target} INTERFACE -fsanitize=${SPINCIM_SANITIZE})
    endif()
    install(TARGETS ${target} EXPORT spincimTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
    set_property(GLOBAL APPEND PROPERTY SPINCIM_LAYERS ${target})
endfunction()

# spincim_add_test(<name> SOURCES ... LIBS ...)
# One Catch2 executable; every TEST_CASE becomes its own ctest test (its own process, so each
# ngspice-using case gets a fresh simulator session). Each test is labelled with <name>; ctest's
# -L/-LE take regular expressions, so `-L spice` selects spice, spice_memory and models_spice.
function(spincim_add_test name)
    cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
    add_executable(test_${name} ${T_SOURCES})
    target_link_libraries(test_${name} PRIVATE spincim_catch_main spincim_options ${T_LIBS})
    target_compile_definitions(test_${name} PRIVATE
        SPINCIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
        SPINCIM_BINARY_DIR="${PROJECT_BINARY_DIR}")
    catch_discover_tests(test_${name}
        TEST_PREFIX "${name}: "
        PROPERTIES LABELS ${name} TIMEOUT 300
        WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
endfunction()
