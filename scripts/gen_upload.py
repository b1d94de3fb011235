#!/usr/bin/env python3
"""Generate a realistic Control Hub bulk-user CSV of any size, for benchmarks.

    python3 scripts/gen_upload.py ROWS [--seed N] [--faulty 0.03] > upload.csv

Seeded (same arguments, same bytes). Unicode names, quoted commas in display names, every
package, numbers of six countries (unique, valid), and about 3% of rows with a problem from
the rule catalogue. User i always has the
email user<i>@acme.example.com, so two files of different seeds describe the same users
differently: use one as a current export (`--faulty 0 --seed 2`) for the other.
"""
import argparse
import random
import sys

HEADER = ('First Name,Last Name,Display Name,User ID/Email (Required),User Status,Extension,'
          'Phone Number,Caller ID Number,Location,Preferred Webex Site,Webex Calling [Sub100200],'
          'Webex Calling Standard [Sub100200],Webex Voice [Sub100200],Webex Suite [Sub100200],'
          'Webex Meetings [Sub100200],Customer Assist [Sub100200],Common Area Calling [Sub100200],'
          'Basic Messaging,Basic Space Meetings,"Call on Webex (1:1 call, non-PSTN)"')
FIRST = ['Ana', 'Ben', 'Chloé', 'Dev', 'Emma', 'Farid', 'Grace', 'Hiro', 'Inès', 'Jon', 'Kai',
         'Léa', 'Marc', 'Nadia', 'Óscar', 'Priya', 'Quentin', 'Rosa', 'Søren', 'Taro', '美咲', 'Zoë']
LAST = ['Silva', 'Okafor', 'Martin', 'Patel', 'Rossi', 'Haddad', 'Chen', 'Tanaka', 'Duarte',
        'Berg', 'Müller', 'Novak', 'Dubois', 'García', 'Østergaard', 'Nguyễn', '山田', 'Kowalski']
LOCATIONS = ['HQ', 'Paris', 'Berlin', 'San Jose', 'Lyon']
# Where users' numbers come from: a wholesale customer with sites in several countries.
# (weight, format of a unique valid number for user i)
COUNTRIES = [
    (60, lambda i: f'+1408{200 + (i // 10000) % 700}{i % 10000:04d}'),      # US, San Jose
    (10, lambda i: f'+44207{i % 10000000:07d}'),                             # UK, London 020 7
    (10, lambda i: f'+3314{i % 10000000:07d}'),                              # France, Paris 01 4
    (10, lambda i: f'+4930{1000000 + i % 9000000:07d}'),                     # Germany, Berlin
    (5, lambda i: f'+813{10000000 + i % 90000000:08d}'),                     # Japan, Tokyo 03
    (5, lambda i: f'+6129{i % 10000000:07d}'),                               # Australia, Sydney 02 9
]
COUNTRY_WEIGHTS = [w for w, _ in COUNTRIES]
# (column index among the 7 package columns, needs calling, needs site)
PACKAGES = [(0, True, False), (1, True, False), (2, True, False), (3, True, True),
            (4, False, True), (5, True, False)]
FAULTS = ['no-location', 'sci-phone', 'missing-plus', 'bad-bool', 'two-packages', 'bad-email',
          'no-site', 'spaces', 'bad-extension', 'lower-true']


def quote(v):
    if any(c in v for c in ',"\n'):
        return '"' + v.replace('"', '""') + '"'
    return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('rows', type=int)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--faulty', type=float, default=0.03)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    out = sys.stdout
    out.write(HEADER + '\n')
    for i in range(args.rows):
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        display = f'{last}, {first}' if rnd.random() < 0.2 else f'{first} {last}'
        email = f'user{i}@acme.example.com'
        status = 'Active' if rnd.random() < 0.4 else ''
        loc = LOCATIONS[i % len(LOCATIONS)]
        # Unique numbers: each country's format numbers user i apart from every other user.
        phone = rnd.choices(COUNTRIES, weights=COUNTRY_WEIGHTS)[0][1](i)
        ext = str(1000 + i)
        pkgs = ['FALSE'] * 7
        pidx, calling, meetings = rnd.choice(PACKAGES)
        remove = rnd.random() < 0.02
        if not remove:
            pkgs[pidx] = 'TRUE'
        site = 'acme.webex.com' if meetings else ''
        if not calling:
            phone, ext, loc = '', '', ''
        row = [first, last, display, email, status, ext, phone, '', loc, site] + pkgs + ['FALSE'] * 3
        if rnd.random() < args.faulty:
            fault = rnd.choice(FAULTS)
            if fault == 'no-location' and calling:
                row[8] = ''
            elif fault == 'sci-phone' and calling:
                row[6] = '1.40856E+10'
            elif fault == 'missing-plus' and calling:
                row[6] = row[6].lstrip('+')
            elif fault == 'bad-bool':
                row[16] = 'maybe'
            elif fault == 'two-packages':
                row[10 + (pidx + 1) % 6] = 'TRUE'
            elif fault == 'bad-email':
                row[3] = row[3].replace('@', '')
            elif fault == 'no-site' and meetings:
                row[9] = ''
            elif fault == 'spaces':
                row[1] = ' ' + row[1] + ' '
            elif fault == 'bad-extension' and calling:
                row[5] = '12a'
            elif fault == 'lower-true' and not remove:
                row[10 + pidx] = 'true'
        out.write(','.join(quote(v) for v in row) + '\n')


if __name__ == '__main__':
    main()
