'use strict';
// Deterministic, realistic people shared by the simulators (HikCentral, HySecure, Humand).
// The same n always gives the same people, and makePeople(n) is a prefix of makePeople(n + k):
// names come from a seeded PRNG drawn in order, and e-mail / user-name clashes are resolved with
// a numeric suffix that depends only on the people before.

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
function mulberry32(seed) {
    let a = seed >>> 0;
    return function next() {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const FIRST_NAMES = [
    'Ana', 'José', 'María', 'Juan', 'Lucía', 'Carlos', 'Sofía', 'Luis', 'Valentina', 'Miguel',
    'Camila', 'Jorge', 'Martina', 'Andrés', 'Isabel', 'Diego', 'Paula', 'Fernando', 'Gabriela', 'Ricardo',
    'Florencia', 'Sebastián', 'Daniela', 'Matías', 'Carolina', 'Julián', 'Mariana', 'Tomás', 'Agustina', 'Raúl',
    'Verónica', 'Héctor', 'Natalia', 'Ignacio', 'Lorena', 'Álvaro', 'Rocío', 'Esteban', 'Inés', 'Nicolás',
];

const LAST_NAMES = [
    'García', 'Rodríguez', 'González', 'Fernández', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Martín',
    'Jiménez', 'Ruiz', 'Hernández', 'Díaz', 'Moreno', 'Muñoz', 'Álvarez', 'Romero', 'Alonso', 'Gutiérrez',
    'Navarro', 'Torres', 'Domínguez', 'Vázquez', 'Ramos', 'Gil', 'Ramírez', 'Serrano', 'Blanco', 'Suárez',
    'Castro', 'Ortiz', 'Rubio', 'Núñez', 'Medina', 'Castillo', 'Peña', 'Rojas', 'De la Cruz', 'Del Río',
    'Acosta', 'Benítez', 'Figueroa', 'Quiroga', 'Sosa', 'Villalba', 'Ibáñez', 'Córdoba', 'Paredes', 'Aguirre',
];

const SEED = 20260127;

/** Lower-case ASCII letters only: "De la Cruz" -> "delacruz", "Núñez" -> "nunez". */
function ascii(s) {
    return s
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '');
}

/** base, then base2, base3, ...: bases are letters only, so a suffixed name never equals another base. */
function unique(base, seen) {
    const n = (seen.get(base) || 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : base + n;
}

/**
 * n people, index 1..n: { index, code, firstName, lastName, email, userName, active }.
 * code is a 6-digit, zero-padded employee code (person 23 -> "000123"): always a string, keep the zeros.
 * Every 13th person (index 13, 26, ...) is inactive.
 */
function makePeople(n) {
    const count = Math.max(0, Math.floor(Number(n) || 0));
    const rand = mulberry32(SEED);
    const usedEmails = new Map();
    const usedUserNames = new Map();
    const people = [];
    for (let index = 1; index <= count; index++) {
        const firstName = FIRST_NAMES[Math.floor(rand() * FIRST_NAMES.length)];
        const lastName = LAST_NAMES[Math.floor(rand() * LAST_NAMES.length)];
        const first = ascii(firstName);
        const last = ascii(lastName);
        const emailLocal = unique(`${first}.${last}`, usedEmails);
        const userName = unique(`${first[0]}${last}`, usedUserNames);
        people.push({
            index,
            code: String(100 + index).padStart(6, '0'),
            firstName,
            lastName,
            email: `${emailLocal}@example.com`,
            userName,
            active: index % 13 !== 0,
        });
    }
    return people;
}

/** Humand users (GET /users shape) for makePeople(n): employeeInternalId = code, id = 1000 + index. */
function makeHumandUsers(n) {
    return makePeople(n).map((p) => ({
        id: 1000 + p.index,
        employeeInternalId: p.code,
        firstName: p.firstName,
        lastName: p.lastName,
        email: p.email,
        status: p.active ? 'ACTIVE' : 'INACTIVE',
        segmentations: [],
    }));
}

module.exports = { makePeople, makeHumandUsers, mulberry32 };
