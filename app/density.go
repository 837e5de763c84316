package app

// The conversation grid's density: a supervisor's own preference, one field of their
// Preferences in the personal store (personal.go), so two supervisors sharing one
// computer account each keep theirs. It is a personal preference, not a shared
// setting: any signed-in account may change its own.

import "fmt"

// defaultDensity is every account's until it chooses.
const defaultDensity = "comfortable"

// isDensity tells the grid's densities: cards with a preview ("comfortable"), shorter
// cards ("compact"), and small tiles for watching 40 or more live conversations on one
// screen ("wall").
func isDensity(d string) bool {
	switch d {
	case "comfortable", "compact", "wall":
		return true
	}
	return false
}

// checkDensity is the error a density that is not one of the grid's says.
func checkDensity(d string) error {
	if !isDensity(d) {
		return fmt.Errorf("Unknown density %q: choose comfortable, compact or wall", d)
	}
	return nil
}

// Density is the signed-in supervisor's grid density; "comfortable" until they choose.
func (a *App) Density() (string, error) {
	p, err := a.GetPreferences()
	if err != nil {
		return "", err
	}
	return p.Density, nil
}

// SaveDensity stores the signed-in supervisor's grid density.
func (a *App) SaveDensity(d string) (string, error) {
	if err := checkDensity(d); err != nil {
		return "", err
	}
	p, err := a.updatePreferences(func(p *Preferences) { p.Density = d })
	if err != nil {
		return "", err
	}
	return p.Density, nil
}
