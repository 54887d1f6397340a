#!/usr/bin/perl
print rand(), "\n";
