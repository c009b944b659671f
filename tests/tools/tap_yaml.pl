#!/usr/bin/perl
# SPDX-License-Identifier: MIT
# Reads a TAP file with TAP::Parser, the parser prove uses, and prints one
# JSON array: the YAML diagnostics of every test line as prove's YAMLish
# reader understood them ([{"test": N, "yaml": {...}}]), or exits 1 naming
# the parse errors.  For tests/conformance/test_output.c: essc's TAP must
# stay readable by prove whatever text its diagnostics carry.  Core Perl only.
use strict;
use warnings;
use JSON::PP;
use TAP::Parser;

@ARGV == 1 or die "usage: tap_yaml.pl FILE\n";
open my $fh, '<:raw', $ARGV[0] or die "$ARGV[0]: $!\n";
my $parser = TAP::Parser->new ({ tap => do { local $/; <$fh> } });
my ($test, @docs) = (undef);
while (my $r = $parser->next) {
  $test = $r->number if $r->is_test;
  push @docs, { test => $test, yaml => $r->data } if $r->is_yaml;
}
if (my @errors = $parser->parse_errors) {
  print STDERR "tap_yaml.pl: $_\n" for @errors;
  exit 1;
}
# The strings are the file's bytes: latin1 writes them back as they were.
print JSON::PP->new->latin1->canonical->encode (\@docs), "\n";
