#!/bin/sh
# sh run-seeds.sh EPOCHS LR [SEEDS...]: the candidate regime (primer 2 epochs at 2e-3 on 300 per skill) at n = 1,000.
e=$1; lr=$2; shift 2
for s in "$@"; do
  nice node proto.mjs --out /tmp/merge1k --primer 2,2e-3,300 --epochs "$e" --lr "$lr" --seed "$s" --n 1000 \
    --merges 'ta:0.7,0.7;ties:1,1:0.5;lin:0.5,0.5' --pairs 'arith+rc;arith+mc;mc+rc;arith+mc+rc'
done
