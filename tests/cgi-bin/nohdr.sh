#!/bin/sh
# A body without a header block.
echo "this is a body without any header"
