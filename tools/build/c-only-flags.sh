#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: c-only-flags.sh CXX FLAG...
# Prints the FLAGs that CXX reports as valid for C but not for C++. g++ words
# it two ways: "command-line option 'X' is valid for C/ObjC but not for C++"
# and "'-Werror=' argument 'X' is not valid for C++".
cxx=$1
shift
LC_ALL=C "$cxx" -fsyntax-only -x c++ /dev/null "$@" 2>&1 | sed -n \
	-e "s/.*command-line option '\([^']*\)' is valid for C\/ObjC but not for C++.*/\1/p" \
	-e "s/.*argument '\([^']*\)' is not valid for C++.*/\1/p" | sort -u
