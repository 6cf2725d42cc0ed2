#ifndef MID_H
#define MID_H
int mid_value(void);
#endif
