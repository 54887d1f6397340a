#!/bin/sh
# The protected resource behind an authorizer: what the server passed on
# from the authorizer's Variable-USER, and who it says the user is.
printf 'Content-Type: text/plain\r\n\r\nuser=%s remote_user=%s\n' \
    "${USER:-none}" "${REMOTE_USER:-none}"
