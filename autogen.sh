#!/bin/sh
# Generate configure and Makefile.in from a clean checkout.
exec autoreconf -fi
