export { LocalSearch, type LocalSearchOptions } from './local-search';
